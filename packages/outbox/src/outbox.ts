import { randomUUID } from 'node:crypto';
import type { EventMessage } from '@bounded/bus';
import { type Kysely, reusable } from '@bounded/store';
import { messaging, type StoredMessage, storedMessage } from './tables.ts';

/** What a command decides to announce: the envelope is filled in by the outbox. */
export interface NewEvent {
  readonly type: string;
  /** Correlation id (order id …): the partitioning key. */
  readonly key: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Outbox {
  /**
   * Writes events in the caller's transaction, so they commit with the state change or not
   * at all. The relay publishes them after commit.
   */
  record(
    trx: Kysely<any>,
    events: readonly NewEvent[],
    context?: { traceparent?: string },
  ): Promise<EventMessage[]>;
}

type NewRow = { id: string } & StoredMessage;
const COLUMNS = ['id', 'topic', 'key', 'type', 'timestamp', 'data', 'source', 'traceparent'] as const;

function columnValues(row: NewRow): unknown[] {
  return COLUMNS.map((column) => row[column]);
}

/** One insert of as many outbox rows as `values` holds (their columns, row after row). */
const insertRows = reusable((db, values) => {
  const rows: NewRow[] = [];
  for (let i = 0; i < values.length; i += COLUMNS.length) {
    rows.push(Object.fromEntries(COLUMNS.map((column, c) => [column, values[i + c]])) as unknown as NewRow);
  }
  return messaging(db).insertInto('bounded_outbox').values(rows);
});

export function createOutbox(options: {
  topic: string;
  source: string;
  clock?: () => number;
  newId?: () => string;
}): Outbox {
  const clock = options.clock ?? Date.now;
  const newId = options.newId ?? randomUUID;
  return {
    async record(trx, events, context = {}) {
      if (events.length === 0) return [];
      const timestamp = clock();
      const messages: EventMessage[] = events.map((e) => ({
        id: newId(),
        topic: options.topic,
        key: e.key,
        type: e.type,
        timestamp,
        data: e.data,
        source: options.source,
        traceparent: context.traceparent,
      }));
      const values = messages.flatMap((m) => columnValues({ id: m.id, ...storedMessage(m) }));
      await insertRows(trx, values, String(messages.length));
      return messages;
    },
  };
}
