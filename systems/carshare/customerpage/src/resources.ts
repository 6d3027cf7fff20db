/** The customer page: one row per rental, built from events only (CQRS), declared once. */
import { createTables, declareResource, LIMITS, Nullable, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { SEE_ALL } from '../../fields.ts';

const Id = Type.Integer({ minimum: 1, maximum: LIMITS.id });
const literals = <T extends string>(...values: T[]) =>
  Nullable(Type.Union(values.map((v) => Type.Literal(v))));

/** How long the event history of one rental may grow (oldest entries dropped beyond it). */
export const HISTORY_MAX = 1000;

export const customerpages = declareResource({
  table: 'customerpages',
  plural: 'customerpages',
  fields: Type.Object({
    orderId: Id,
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    productId: Nullable(Id),
    qty: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.int })),
    /** The rental's status as the order shows it. */
    status: literals('ordered', 'shipped', 'offered', 'cancelled'),
    paymentId: Nullable(Id),
    paymentStatus: literals('OrderApproved', 'Cancelled'),
    deliveryId: Nullable(Id),
    deliveryStatus: literals('Shipped', 'Cancelled'),
    couponId: Nullable(Id),
    couponStatus: literals('offered', 'reclaimed'),
    /** The rental's events in the order they arrived, comma-separated. */
    history: Type.String({ maxLength: HISTORY_MAX }),
  }),
  unique: ['orderId'],
  indexes: ['customerId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status', 'customerId'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ order: `/orders/${row.orderId}` }),
  notFound: 'CUSTOMERPAGE.NOT_FOUND',
});

export interface CustomerpageTables {
  customerpages: TableOf<typeof customerpages>;
}

export const migrations = { '0001_customerpages': createTables(customerpages) };
