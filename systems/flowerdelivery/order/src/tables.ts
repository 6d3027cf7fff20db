import {
  createTables,
  declareResource,
  LIMITS,
  OneOf,
  type SagaTables,
  sagaMigrations,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderLineFields } from '../../order-line.ts';
import { ORDER_STATUSES, PAYMENT_STATUSES } from './domain/order.ts';

/** Order numbers handed out before paying (the payment needs the order id); not orders. */
export const orderNumbers = declareResource({
  table: 'order_numbers',
  plural: 'orderNumbers',
  fields: Type.Object({ token: Type.String({ maxLength: 255 }) }),
  unique: ['token'],
});

/** The customer's orders: numbered before paying, so the id is the command's. */
export const orders = declareResource({
  table: 'orders',
  plural: 'orders',
  id: 'assigned',
  fields: Type.Object({
    ...orderLineFields,
    orderStatus: OneOf(ORDER_STATUSES),
    paymentId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    paymentStatus: OneOf(PAYMENT_STATUSES),
  }),
  serverOwned: ['orderStatus', 'paymentId', 'paymentStatus'],
  sortable: ['itemName', 'storeName', 'userName', 'orderStatus'],
  owner: 'userName',
});

export interface OrderTables extends SagaTables {
  order_numbers: TableOf<typeof orderNumbers>;
  orders: TableOf<typeof orders>;
}

export const migrations = {
  ...sagaMigrations,
  '0001_orders': createTables(orderNumbers, orders),
  '0002_orders_user': {
    // GET /orders through the gateway lists only the caller's orders.
    async up(db: Parameters<typeof orders.load>[0]) {
      await db.schema.createIndex('orders_user').on('orders').column('userName').execute();
    },
  },
};
