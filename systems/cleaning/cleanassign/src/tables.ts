/** cleanassign's tables, declared once: the cleaners (the pool) and the assignments. */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import type { Migration } from '@bounded/store';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';

const Text = Type.String({ maxLength: LIMITS.text });
const Tel = Type.String({ maxLength: 64 });

export const cleaners = declareResource({
  table: 'cleaners',
  plural: 'cleaners',
  singular: 'cleaner',
  fields: Type.Object({
    name: Text,
    tel: Tel,
    /** The cleaner's login (the token's name), whose assignments they see and complete. */
    username: Nullable(Text),
    status: Type.Union([Type.Literal('Idle'), Type.Literal('Busy')]),
    idleSince: Type.String({ maxLength: 32 }),
  }),
  serverOwned: ['status', 'idleSince'],
  unique: ['username'],
  indexes: ['status'],
  sortable: ['name', 'status', 'idleSince'],
  filterable: ['status', 'username'],
  notFound: 'CLEANER.NOT_FOUND',
});

const AssignmentStatus = Type.Union([
  Type.Literal('Assigned'),
  Type.Literal('NoCleanerAvailable'),
  Type.Literal('Completed'),
  Type.Literal('Cancelled'),
]);

export const assignments = declareResource({
  table: 'clean_assigns',
  plural: 'cleanassigns',
  singular: 'cleanassign',
  // The request's id: one assignment per request, whichever replica decides it.
  id: 'assigned',
  fields: Type.Object({
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    customerId: Nullable(Text),
    tel: Tel,
    location: Text,
    cost: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
    status: AssignmentStatus,
    cleanerId: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    cleanerName: Nullable(Text),
    cleanerTel: Nullable(Tel),
    cleanerUsername: Nullable(Text),
    /** The cleaner held while Assigned, else null: unique, so no cleaner holds two live assignments. */
    activeCleanerId: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    updatedAt: Type.String({ maxLength: 32 }),
  }),
  hidden: ['activeCleanerId'],
  serverOwned: ['status', 'cleanerId', 'cleanerName', 'cleanerTel', 'cleanerUsername', 'updatedAt'],
  unique: ['activeCleanerId'],
  indexes: ['cleanerUsername', 'cleanerId'],
  sortable: ['orderId', 'status', 'cleanerId', 'updatedAt'],
  filterable: ['orderId', 'status', 'cleanerId'],
  // A cleaner sees their own assignments; the manager sees all.
  owner: 'cleanerUsername',
  seeAll: ['manager'],
  links: (row) => ({
    ...(row.status === 'Assigned' ? { complete: 'complete' } : {}),
    ...(row.cleanerId !== null ? { cleaner: `/cleaners/${row.cleanerId}` } : {}),
  }),
  notFound: 'CLEANASSIGN.NOT_FOUND',
});

export type CleanerRow = RowOf<typeof cleaners>;

export interface CleanAssignTables {
  cleaners: TableOf<typeof cleaners>;
  clean_assigns: TableOf<typeof assignments>;
}

export const migrations: Record<string, Migration> = {
  '0001_cleaners_and_assignments': createTables(cleaners, assignments),
  // The queue of idle cleaners, in the order they are asked (see commands/pool-store.ts).
  '0002_idle_queue': {
    // biome-ignore lint/suspicious/noExplicitAny: a migration runs on the schema, before the types hold
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('cleaners_idle_queue')
        .on('cleaners')
        .columns(['status', 'idleSince', 'id'])
        .execute();
    },
  },
};
