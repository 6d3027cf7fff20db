import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  OneOf,
  type SagaTables,
  sagaMigrations,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { lineFields, recipientFields } from '../../order-line.ts';
import { ORDER_DELIVERY_STATUSES, ORDER_STATUSES, PAY_STATUSES } from './domain/order.ts';

/** Order numbers handed out before paying (the payment needs the order id); not orders. */
export const orderNumbers = declareResource({
  table: 'order_numbers',
  plural: 'orderNumbers',
  fields: Type.Object({ token: Type.String({ maxLength: 255 }) }),
  unique: ['token'],
});

const date = Type.String({ maxLength: 32 });

const { customerId, ...item } = lineFields; // the seed's column order

/** The customer's orders: numbered before paying, so the id is the command's. */
export const orders = declareResource({
  table: 'orders',
  plural: 'orders',
  id: 'assigned',
  fields: Type.Object({
    customerId,
    ...item,
    ...recipientFields,
    orderStatus: OneOf(ORDER_STATUSES),
    deliveryStatus: Nullable(OneOf(ORDER_DELIVERY_STATUSES)),
    paymentId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    paystatus: OneOf(PAY_STATUSES),
    createDate: date,
    updateDate: date,
  }),
  serverOwned: ['orderStatus', 'deliveryStatus', 'paymentId', 'paystatus', 'createDate', 'updateDate'],
  indexes: ['customerId'],
  sortable: ['itemNo', 'customerId', 'orderStatus', 'deliveryStatus', 'createDate'],
  owner: 'customerId',
  links: () => ({ cancel: 'cancel' }),
});

export interface OrderTables extends SagaTables {
  order_numbers: TableOf<typeof orderNumbers>;
  orders: TableOf<typeof orders>;
}

export const migrations = { ...sagaMigrations, '0001_orders': createTables(orderNumbers, orders) };
