import { type Kysely, keyText, type Migration, withSerialKey } from '@bounded/store';

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

/** Merge these into a service's migrations; the names sort before any service's own. */
export const messagingMigrations: Record<string, Migration> = {
  '0000_bounded_messaging': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('bounded_outbox'), 'seq', db)
        .addColumn('id', keyText, (c) => c.notNull())
        .addColumn('topic', keyText, (c) => c.notNull())
        .addColumn('key', keyText, (c) => c.notNull())
        .addColumn('type', keyText, (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('source', keyText)
        .addColumn('traceparent', keyText)
        .execute();
      await db.schema
        .createTable('bounded_inbox')
        .addColumn('grp', keyText, (c) => c.notNull())
        .addColumn('event_id', keyText, (c) => c.notNull())
        .addColumn('handled_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bounded_inbox_pk', ['grp', 'event_id'])
        .execute();
      await db.schema
        .createTable('bounded_parked')
        .addColumn('grp', keyText, (c) => c.notNull())
        .addColumn('event_id', keyText, (c) => c.notNull())
        .addColumn('topic', keyText, (c) => c.notNull())
        .addColumn('key', keyText, (c) => c.notNull())
        .addColumn('type', keyText, (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('source', keyText)
        .addColumn('traceparent', keyText)
        .addColumn('partition', 'integer', (c) => c.notNull())
        .addColumn('offset', 'bigint', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('parked_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('bounded_parked_pk', ['grp', 'event_id'])
        .execute();
    },
  },
};

/** A service's transaction seen with the runtime's tables (they share one database). */
export function messaging(trx: Kysely<any>): Kysely<MessagingTables> {
  return trx as Kysely<MessagingTables>;
}
