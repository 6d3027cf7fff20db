import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventMessage } from '@bounded/bus';
import { type QueryResult, reusable, type Store } from '@bounded/store';
import { messageOf, messaging, type OutboxRow } from './tables.ts';

export interface RelayOptions {
  readonly store: Store<any>;
  readonly bus: EventBus;
  readonly batchSize?: number;
  /** How often an idle relay looks again, for rows written by a replica sharing the database. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Moves committed outbox rows to the bus in commit order, then deletes them. A crash
 * between publish and delete publishes them again (at-least-once; consumers dedupe by id),
 * and a crash before publish leaves them in the table for the next start.
 * On PostgreSQL/MySQL "commit order" is the order rows become visible, in seq order within
 * a batch: a lower seq that commits later goes out in a later batch, never lost (see #purge).
 * One aggregate's events keep their order because commands on one row lock it (forUpdate)
 * before recording, so the later command takes its seqs after the earlier one committed.
 */
const PURGE_EVERY = 500;
const BUSY_GAP_MS = 5;
const GATHER_MS = 6;

/** The next rows to publish, in commit order (seq). */
const selectUnpublished = reusable((db, [after, limit]) =>
  messaging(db)
    .selectFrom('bounded_outbox')
    .selectAll()
    .where('seq', '>', after as number)
    .orderBy('seq')
    .limit(limit as number),
);

export class OutboxRelay {
  readonly #o: Required<Omit<RelayOptions, 'onError'>> & Pick<RelayOptions, 'onError'>;
  #running = false;
  #loop: Promise<void> | undefined;
  #kick: (() => void) | undefined;
  #pending = false;
  /** Highest seq published by this relay; on SQLite rows up to it are deleted lazily. */
  #published = 0;
  #unpurged = 0;
  /** On PostgreSQL/MySQL: exactly the rows published and not yet deleted. */
  #publishedSeqs: number[] = [];

  readonly #lazyPurge: boolean;

  constructor(options: RelayOptions) {
    this.#o = { batchSize: 500, idleMs: 2000, ...options };
    this.#lazyPurge = options.store.dialect === 'sqlite';
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Called after a transaction that recorded events committed: publish without waiting. */
  notify(): void {
    this.#pending = true;
    this.#kick?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#kick?.();
    await this.#loop;
  }

  /** Rows recorded but not yet published. */
  async backlog(): Promise<number> {
    const row = await messaging(this.#o.store.db)
      .selectFrom('bounded_outbox')
      .where('seq', '>', this.#lazyPurge ? this.#published : 0)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Publishes everything committed so far; used at shutdown and by tests. */
  async drain(): Promise<void> {
    while ((await this.#publishBatch()) > 0) {}
    await this.#purge();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#pending = false;
      let published = 0;
      try {
        published = await this.#publishBatch();
      } catch (error) {
        this.#o.onError?.(error);
      }
      if (published === 0 && !this.#pending && this.#running) {
        const idleSince = Date.now();
        await this.#idle();
        // Kicked again almost at once: commands are flowing. Gather a few more rows into one
        // publish (one append, one wake-up of every reader) rather than one per command.
        if (Date.now() - idleSince < BUSY_GAP_MS && this.#running) await sleep(GATHER_MS);
      }
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(wake, this.#o.idleMs);
      function wake() {
        clearTimeout(timer);
        resolve();
      }
      this.#kick = wake;
    });
  }

  async #publishBatch(): Promise<number> {
    const { rows } = (await selectUnpublished(this.#o.store.db, [
      this.#lazyPurge ? this.#published : 0,
      this.#o.batchSize,
    ])) as QueryResult<OutboxRow>;
    if (rows.length === 0) {
      await this.#purge();
      return 0;
    }
    const messages: EventMessage[] = rows.map((row) => messageOf(row.id, row));
    await this.#o.bus.publish(messages);
    this.#published = Number(rows[rows.length - 1].seq);
    if (!this.#lazyPurge) this.#publishedSeqs = rows.map((row) => Number(row.seq));
    this.#unpurged += rows.length;
    if (this.#unpurged >= PURGE_EVERY || !this.#lazyPurge) await this.#purge();
    return rows.length;
  }

  /**
   * Deletes what was published, in bulk: a delete per batch was one more commit per command
   * under load. Rows published but not yet purged when the process dies are published again
   * on the next start (at-least-once; consumers dedupe by event id).
   * Only on SQLite, whose single writer assigns `seq` in commit order: on PostgreSQL/MySQL a
   * lower seq can commit after a higher one (seqs are taken at insert, rows become visible at
   * commit), and a high-water mark would step over it. There every batch is deleted at once,
   * by its own seqs — never `seq <= highest`, which would also delete a lower row that
   * committed while the batch was being published, unpublished — and the next select starts
   * from what is left.
   */
  async #purge(): Promise<void> {
    if (this.#unpurged === 0) return;
    const outbox = messaging(this.#o.store.db).deleteFrom('bounded_outbox');
    if (this.#lazyPurge) await outbox.where('seq', '<=', this.#published).execute();
    else if (this.#publishedSeqs.length > 0) await outbox.where('seq', 'in', this.#publishedSeqs).execute();
    this.#publishedSeqs = [];
    this.#unpurged = 0;
  }
}
