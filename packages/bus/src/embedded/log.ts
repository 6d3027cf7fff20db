import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises';
import { partitionFor, toWire } from '../envelope.ts';
import type { EventMessage } from '../port.ts';
import { inTransaction, isBusy, openSqlite } from './sqlite.ts';

/** About 10 s of waiting for another process's append before giving up. */
const MAX_BUSY_RETRIES = 600;

export interface StoredEvent {
  partition: number;
  offset: number;
  id: string;
  key: string;
  type: string;
  value: string;
  source: string | null;
  traceparent: string | null;
  appended_at: number;
}

/**
 * The durable, partitioned append-only log: one SQLite file per bus directory holding every
 * topic. Offsets are dense per (topic, partition) and assigned inside the append transaction,
 * so a reader never sees a gap or an uncommitted event.
 */
export class EventLog {
  readonly #db: DatabaseSync;
  readonly #path: string;
  readonly #durability: 'process' | 'full';
  #writer: DatabaseSync | undefined;
  #appendNow: ((messages: readonly EventMessage[], now: number) => void) | undefined;
  readonly #defaultPartitions: number;
  readonly #partitions = new Map<string, number>();
  readonly #read: StatementSync;
  readonly #heads: StatementSync;
  readonly #readTypes = new Map<number, StatementSync>();
  readonly #lastOfTypes = new Map<number, StatementSync>();

  constructor(path: string, options: { partitions: number; durability: 'process' | 'full' }) {
    this.#defaultPartitions = options.partitions;
    this.#path = path;
    this.#durability = options.durability;
    this.#db = openSqlite(path, options.durability);
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS heads (
        topic TEXT NOT NULL, partition INTEGER NOT NULL, next_offset INTEGER NOT NULL,
        PRIMARY KEY (topic, partition)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (
        topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
        id TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
        source TEXT, traceparent TEXT, appended_at INTEGER NOT NULL,
        PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;`);
    this.#createTypeHeads();
    this.#read = this.#db.prepare(
      `SELECT partition, offset, id, key, type, value, source, traceparent, appended_at FROM events
       WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`,
    );
    this.#heads = this.#db.prepare('SELECT partition, next_offset FROM heads WHERE topic = ?');
  }

  /**
   * The last offset of each event type per partition: a reader subscribed to some types learns
   * from it which partitions hold news for it, and reads only those. A log written before this
   * table existed gets it filled from its events, once, by whichever process opens it first.
   */
  #createTypeHeads(): void {
    inTransaction(this.#db, 'immediate', () => {
      const exists = this.#db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'type_heads'")
        .get();
      if (exists) return;
      this.#db.exec(`
        CREATE TABLE type_heads (
          topic TEXT NOT NULL, partition INTEGER NOT NULL, type TEXT NOT NULL, last_offset INTEGER NOT NULL,
          PRIMARY KEY (topic, partition, type)) WITHOUT ROWID;
        INSERT INTO type_heads (topic, partition, type, last_offset)
          SELECT topic, partition, type, max(offset) FROM events GROUP BY topic, partition, type;`);
    });
  }

  /** Partition count of a topic, fixed when the topic is first used. */
  partitionsOf(topic: string): number {
    let count = this.#partitions.get(topic);
    if (count === undefined) {
      this.#db
        .prepare('INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)')
        .run(topic, this.#defaultPartitions);
      count = (
        this.#db.prepare('SELECT partitions FROM topics WHERE name = ?').get(topic) as { partitions: number }
      ).partitions;
      this.#partitions.set(topic, count);
    }
    return count;
  }

  /**
   * Appends in one transaction. Several processes append to this file: when another holds the
   * write lock, we wait on the event loop (yield, then short sleeps) instead of in SQLite's
   * busy handler, which would block every request of this process for up to 100 ms a try.
   */
  async append(messages: readonly EventMessage[], now = Date.now()): Promise<void> {
    if (messages.length === 0) return;
    // Learn new topics' partition counts first: that writes on the other connection.
    for (const message of messages) this.partitionsOf(message.topic);
    const append = this.#appendNow ?? this.#openWriter();
    for (let attempt = 0; ; attempt++) {
      try {
        append(messages, now);
        return;
      } catch (error) {
        if (!isBusy(error) || attempt >= MAX_BUSY_RETRIES) throw error;
        await (attempt < 3 ? yieldToLoop() : sleep(Math.min(20, attempt - 2)));
      }
    }
  }

  /** The appending connection: it fails at once on a held lock (busy_timeout 0) so append can wait. */
  #openWriter(): (messages: readonly EventMessage[], now: number) => void {
    const writer = openSqlite(this.#path, this.#durability, 0);
    const headOf = writer.prepare('SELECT next_offset FROM heads WHERE topic = ? AND partition = ?');
    const setHead = writer.prepare(
      `INSERT INTO heads (topic, partition, next_offset) VALUES (?, ?, ?)
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
    );
    const insert = writer.prepare(
      `INSERT INTO events (topic, partition, offset, id, key, type, value, source, traceparent, appended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const setTypeHead = writer.prepare(
      `INSERT INTO type_heads (topic, partition, type, last_offset) VALUES (?, ?, ?, ?)
       ON CONFLICT (topic, partition, type) DO UPDATE SET last_offset = excluded.last_offset`,
    );
    const append = (messages: readonly EventMessage[], now: number) => {
      const next = new Map<string, number>();
      const typeHeads = new Map<string, { message: EventMessage; partition: number; offset: number }>();
      for (const message of messages) {
        const partition = partitionFor(message.key, this.partitionsOf(message.topic));
        const slot = `${partition}\u0000${message.topic}`;
        const head = headOf.get(message.topic, partition) as { next_offset: number } | undefined;
        const offset = next.get(slot) ?? head?.next_offset ?? 0;
        const wire = toWire(message);
        insert.run(
          message.topic,
          partition,
          offset,
          message.id,
          message.key,
          message.type,
          wire.value,
          message.source ?? null,
          message.traceparent ?? null,
          now,
        );
        next.set(slot, offset + 1);
        typeHeads.set(`${slot}\u0000${message.type}`, { message, partition, offset });
      }
      for (const { message, partition, offset } of typeHeads.values()) {
        setTypeHead.run(message.topic, partition, message.type, offset);
      }
      for (const [slot, offset] of next) {
        const [partition, topic] = slot.split('\u0000');
        setHead.run(topic, Number(partition), offset);
      }
    };
    // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read.
    this.#writer = writer;
    this.#appendNow = (messages, now) => inTransaction(writer, 'immediate', () => append(messages, now));
    return this.#appendNow;
  }

  read(topic: string, partition: number, fromOffset: number, limit: number): StoredEvent[] {
    return this.#read.all(topic, partition, fromOffset, limit) as unknown as StoredEvent[];
  }

  /**
   * The events of the given types from `fromOffset` up to `toOffset` (exclusive), for a
   * subscription that handles only those: the others stay in SQLite instead of being copied
   * into JavaScript, which most events are not, for most services.
   */
  readTypes(
    topic: string,
    partition: number,
    fromOffset: number,
    toOffset: number,
    types: readonly string[],
    limit: number,
  ): StoredEvent[] {
    let statement = this.#readTypes.get(types.length);
    if (!statement) {
      statement = this.#db.prepare(
        `SELECT partition, offset, id, key, type, value, source, traceparent, appended_at FROM events
         WHERE topic = ? AND partition = ? AND offset >= ? AND offset < ?
           AND type IN (${types.map(() => '?').join(', ')}) ORDER BY offset LIMIT ?`,
      );
      this.#readTypes.set(types.length, statement);
    }
    return statement.all(topic, partition, fromOffset, toOffset, ...types, limit) as unknown as StoredEvent[];
  }

  /**
   * Runs `reads` in one read transaction: one snapshot of the log, and one round of SQLite's
   * file locking instead of one per statement (a reader's round is a heads query and a read
   * per partition; taking the locks for each cost more than the queries did).
   */
  snapshot<T>(reads: () => T): T {
    return inTransaction(this.#db, 'deferred', reads);
  }

  /** The last offset of any of `types`, per partition that has one. */
  lastOfTypes(topic: string, types: readonly string[]): Map<number, number> {
    let statement = this.#lastOfTypes.get(types.length);
    if (!statement) {
      statement = this.#db.prepare(
        `SELECT partition, max(last_offset) AS last FROM type_heads
         WHERE topic = ? AND type IN (${types.map(() => '?').join(', ')}) GROUP BY partition`,
      );
      this.#lastOfTypes.set(types.length, statement);
    }
    const rows = statement.all(topic, ...types) as unknown as Array<{ partition: number; last: number }>;
    return new Map(rows.map((row) => [row.partition, row.last]));
  }

  /** Next offset to be written, per partition that has events. */
  heads(topic: string): Map<number, number> {
    const rows = this.#heads.all(topic) as unknown as Array<{ partition: number; next_offset: number }>;
    return new Map(rows.map((row) => [row.partition, row.next_offset]));
  }

  /** Drops events older than the retention period, as Kafka's time-based retention does. */
  expire(olderThan: number): number {
    return Number(this.#db.prepare('DELETE FROM events WHERE appended_at < ?').run(olderThan).changes);
  }

  close(): void {
    this.#writer?.close();
    this.#db.close();
  }
}
