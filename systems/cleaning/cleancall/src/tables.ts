/** The cleancall service's one table, declared once (columns, migration, read routes). */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type SagaTables,
  sagaMigrations,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

const Status = Type.Union([
  Type.Literal('Requested'),
  Type.Literal('Confirmed'),
  Type.Literal('NoCleanerAvailable'),
  Type.Literal('Cancelled'),
  Type.Literal('Completed'),
]);

export const cleanCalls = declareResource({
  table: 'clean_calls',
  plural: 'cleancalls',
  singular: 'cleancall',
  // Numbered before the sync call to cleanmanage, which registers the request under this id.
  id: 'assigned',
  fields: Type.Object({
    tel: Type.String({ maxLength: 64 }),
    location: Type.String({ maxLength: LIMITS.text }),
    cost: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    status: Status,
    cleanerName: Nullable(Type.String({ maxLength: LIMITS.text })),
    cleanerTel: Nullable(Type.String({ maxLength: 64 })),
    createdAt: Type.String({ maxLength: 32 }),
    updatedAt: Type.String({ maxLength: 32 }),
  }),
  serverOwned: ['status', 'customerId', 'cleanerName', 'cleanerTel', 'createdAt', 'updatedAt'],
  indexes: ['customerId'],
  sortable: ['status', 'createdAt', 'cost'],
  filterable: ['status', 'customerId'],
  owner: 'customerId',
  seeAll: ['manager'],
  notFound: 'CLEANCALL.NOT_FOUND',
});

export interface CleanCallTables extends SagaTables {
  clean_calls: TableOf<typeof cleanCalls>;
}

export const migrations = { ...sagaMigrations, '0001_clean_calls': createTables(cleanCalls) };
