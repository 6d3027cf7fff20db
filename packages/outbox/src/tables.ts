import type { EventMessage } from '@bounded/bus';
import { type Kysely, keyText, largeText, type Migration, withSerialKey } from '@bounded/store';
import type { CreateTableBuilder } from 'kysely';

/** The runtime's own tables, living in each service's database next to its aggregates. */
export interface MessagingTables {
  bounded_outbox: {
    seq?: number;
    id: string;
    topic: string;
    key: string;
    type: string;
    timestamp: number;
    data: string;
    source: string | null;
    traceparent: string | null;
  };
  bounded_inbox: { grp: string; event_id: string; handled_at: number };
  bounded_parked: {
    grp: string;
    event_id: string;
    topic: string;
    key: string;
    type: string;
    timestamp: number;
    data: string;
    source: string | null;
    traceparent: string | null;
    partition: number;
    offset: number;
    error: string;
    attempts: number;
    parked_at: number;
  };
}

/** An outbox row as the relay reads it back. */
export type OutboxRow = MessagingTables['bounded_outbox'];

/** Merge these into a service's migrations; the names sort before any service's own. */
export const messagingMigrations: Record<string, Migration> = {
  '0000_bounded_messaging': {
    async up(db: Kysely<any>) {
      await withMessageColumns(
        db,
        withSerialKey(db.schema.createTable('bounded_outbox'), 'seq', db).addColumn('id', keyText, (c) =>
          c.notNull(),
        ),
      ).execute();
      await db.schema
        .createTable('bounded_inbox')
        .addColumn('grp', keyText, (c) => c.notNull())
        .addColumn('event_id', keyText, (c) => c.notNull())
        .addColumn('handled_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bounded_inbox_pk', ['grp', 'event_id'])
        .execute();
      await withMessageColumns(
        db,
        db.schema
          .createTable('bounded_parked')
          .addColumn('grp', keyText, (c) => c.notNull())
          .addColumn('event_id', keyText, (c) => c.notNull()),
      )
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('offset', 'bigint', (c) => c.notNull())
        .addColumn('error', largeText(db), (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('parked_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bounded_parked_pk', ['grp', 'event_id'])
        .execute();
    },
  },
};

/** The envelope's columns (see StoredMessage), shared by the outbox and the parked table. */
function withMessageColumns<T extends string, C extends string>(
  db: Kysely<unknown>,
  table: CreateTableBuilder<T, C>,
) {
  return table
    .addColumn('topic', keyText, (c) => c.notNull())
    .addColumn('key', keyText, (c) => c.notNull())
    .addColumn('type', keyText, (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('data', largeText(db), (c) => c.notNull())
    .addColumn('source', keyText)
    .addColumn('traceparent', keyText);
}

/** A service's transaction seen with the runtime's tables (they share one database). */
export function messaging(trx: Kysely<any>): Kysely<MessagingTables> {
  return trx as Kysely<MessagingTables>;
}

/** The envelope columns the outbox and the parked table share. */
export interface StoredMessage {
  topic: string;
  key: string;
  type: string;
  timestamp: number;
  data: string;
  source: string | null;
  traceparent: string | null;
}

export function storedMessage(message: EventMessage): StoredMessage {
  return {
    topic: message.topic,
    key: message.key,
    type: message.type,
    timestamp: message.timestamp,
    data: JSON.stringify(message.data),
    source: message.source ?? null,
    traceparent: message.traceparent ?? null,
  };
}

/** Reads a row back; ids come from `id` (outbox) or `event_id` (parked), counts may be bigint strings. */
export function messageOf(id: string, row: StoredMessage): EventMessage {
  return {
    id,
    topic: row.topic,
    key: row.key,
    type: row.type,
    timestamp: Number(row.timestamp),
    data: JSON.parse(row.data),
    source: row.source ?? undefined,
    traceparent: row.traceparent ?? undefined,
  };
}
