/** The order service's stored resources, declared once (table, migration, HAL, read routes). */
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
import { SEE_ALL } from '../../fields.ts';

export const orders = declareResource({
  table: 'orders',
  plural: 'orders',
  // Numbered before paying (the payment must name the rental), so the command gives the id.
  id: 'assigned',
  fields: Type.Object({
    productId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
    status: Type.Union([
      Type.Literal('ordered'),
      Type.Literal('shipped'),
      Type.Literal('offered'),
      Type.Literal('cancelled'),
    ]),
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    paymentId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  }),
  serverOwned: ['status', 'customerId', 'paymentId'],
  indexes: ['customerId'],
  sortable: ['productId', 'status'],
  filterable: ['status', 'productId'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  notFound: 'ORDER.NOT_FOUND',
});

export interface OrderTables extends SagaTables {
  orders: TableOf<typeof orders>;
}

export const migrations = { ...sagaMigrations, '0001_orders': createTables(orders) };
