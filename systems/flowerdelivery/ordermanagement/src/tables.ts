import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields } from '../../order-line.ts';
import { STORE_ORDER_STATUSES } from './domain/store-order.ts';

/** The store's copy of each paid order, with the store's own progress on it. */
export const storeCopies = declareResource({
  table: 'ordermanagements',
  plural: 'ordermanagements',
  fields: Type.Object({ ...orderCopyFields, orderStatus: OneOf(STORE_ORDER_STATUSES) }),
  serverOwned: ['orderStatus'],
  unique: ['orderId'],
  sortable: ['orderId', 'orderStatus', 'storeName'],
  filterable: ['orderId'],
  links: (order) => ({
    accept: 'accept',
    decorate: 'decorate',
    reject: 'reject',
    order: `/orders/${order.orderId}`,
  }),
});

export interface OrderManagementTables {
  ordermanagements: TableOf<typeof storeCopies>;
}

export const migrations = { '0001_ordermanagements': createTables(storeCopies) };
