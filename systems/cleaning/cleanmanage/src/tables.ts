/** cleanmanage's one table, declared once (columns, migration, read routes). */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';

const Status = Type.Union([
  Type.Literal('Requested'),
  Type.Literal('Confirmed'),
  Type.Literal('NoCleanerAvailable'),
  Type.Literal('Withdrawn'),
  Type.Literal('Cancelled'),
  Type.Literal('Completed'),
]);

export const cleanManages = declareResource({
  table: 'clean_manages',
  plural: 'cleanmanages',
  singular: 'cleanmanage',
  fields: Type.Object({
    /** The cleaning request's id (cleancall's), one registration each. */
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    tel: Type.String({ maxLength: 64 }),
    location: Type.String({ maxLength: LIMITS.text }),
    cost: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
    status: Status,
    assignmentRequested: Type.Boolean(),
    cleanerId: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    cleanerName: Nullable(Type.String({ maxLength: LIMITS.text })),
  }),
  serverOwned: ['status', 'assignmentRequested', 'cleanerId', 'cleanerName'],
  unique: ['orderId'],
  indexes: ['status'],
  sortable: ['orderId', 'status', 'cost'],
  filterable: ['orderId', 'status', 'customerId'],
  links: (row) => ({ cleancall: `/cleancalls/${row.orderId}` }),
  notFound: 'CLEANMANAGE.NOT_FOUND',
});

export type CleanManageRow = RowOf<typeof cleanManages>;

export interface CleanManageTables {
  clean_manages: TableOf<typeof cleanManages>;
}

export const migrations = { '0001_clean_manages': createTables(cleanManages) };

/** Operations' record of a request, by the request's id; `lock` inside a command or policy. */
export async function loadByOrder(
  db: Kysely<CleanManageTables>,
  orderId: number,
  options: { lock?: boolean } = {},
): Promise<CleanManageRow | undefined> {
  const query = db.selectFrom('clean_manages').selectAll().where('orderId', '=', orderId);
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return row ? cleanManages.fromRow(row) : undefined;
}
