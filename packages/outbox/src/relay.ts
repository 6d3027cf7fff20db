import type { EventBus, EventMessage } from '@bounded/bus';
import type { Store } from '@bounded/store';
import { messageOf, messaging } from './tables.ts';

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
 */
export class OutboxRelay {
  readonly #o: Required<Omit<RelayOptions, 'onError'>> & Pick<RelayOptions, 'onError'>;
  #running = false;
  #loop: Promise<void> | undefined;
  #kick: (() => void) | undefined;
  #pending = false;

  constructor(options: RelayOptions) {
    this.#o = { batchSize: 500, idleMs: 2000, ...options };
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
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Publishes everything committed so far; used at shutdown and by tests. */
  async drain(): Promise<void> {
    while ((await this.#publishBatch()) > 0) {}
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
      if (published === 0 && !this.#pending && this.#running) await this.#idle();
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
    const rows = await messaging(this.#o.store.db)
      .selectFrom('bounded_outbox')
      .selectAll()
      .orderBy('seq')
      .limit(this.#o.batchSize)
      .execute();
    if (rows.length === 0) return 0;
    const messages: EventMessage[] = rows.map((row) => messageOf(row.id, row));
    await this.#o.bus.publish(messages);
    const last = rows[rows.length - 1].seq!;
    await messaging(this.#o.store.db).deleteFrom('bounded_outbox').where('seq', '<=', last).execute();
    return rows.length;
  }
}
