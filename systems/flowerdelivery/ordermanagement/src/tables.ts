import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { knownLines, NULLABLE_LINE_COLUMNS, orderCopyFields, relaxNotNull } from '../../order-line.ts';
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
  known_order_lines: TableOf<typeof knownLines>;
}

export const migrations = {
  '0001_ordermanagements': createTables(storeCopies),
  // A generated payment's Paid has no itemPrice nor userName: the copy takes them from Ordered.
  '0002_ordermanagements_line_optional': relaxNotNull('ordermanagements', NULLABLE_LINE_COLUMNS, (table) =>
    createTables({ spec: { ...storeCopies.spec, table } }),
  ),
  '0003_known_order_lines': createTables(knownLines),
};
