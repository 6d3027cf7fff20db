import { type Kysely, keyText, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { Order, OrderDeliveryStatus, OrderStatus, PayStatus } from './domain/order.ts';

export interface OrderTables {
  /** Order numbers handed out before paying (the payment needs the order id); not orders. */
  order_numbers: { id: Generated<number>; token: string };
  orders: {
    id: number;
    customerId: string | null;
    itemNo: number;
    qty: number;
    customerName: string | null;
    customerAddress: string | null;
    phoneNumber: string | null;
    orderStatus: OrderStatus;
    deliveryStatus: OrderDeliveryStatus | null;
    paymentId: number;
    paystatus: PayStatus;
    createDate: string;
    updateDate: string;
  };
}

export function toOrder(row: Selectable<OrderTables['orders']>): Order {
  return {
    ...row,
    id: Number(row.id),
    itemNo: Number(row.itemNo),
    paymentId: Number(row.paymentId),
  };
}

export const migrations: Record<string, Migration> = {
  '0001_orders': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('order_numbers'), 'id', db)
        .addColumn('token', keyText, (c) => c.notNull().unique())
        .execute();
      await db.schema
        .createTable('orders')
        .addColumn('id', 'bigint', (c) => c.primaryKey())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('itemNo', 'bigint', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('customerName', 'varchar(255)')
        .addColumn('customerAddress', 'varchar(1000)')
        .addColumn('phoneNumber', 'varchar(64)')
        .addColumn('orderStatus', 'varchar(32)', (c) => c.notNull())
        .addColumn('deliveryStatus', 'varchar(32)')
        .addColumn('paymentId', 'bigint', (c) => c.notNull())
        .addColumn('paystatus', 'varchar(32)', (c) => c.notNull())
        .addColumn('createDate', 'varchar(32)', (c) => c.notNull())
        .addColumn('updateDate', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('orders_customer').on('orders').column('customerId').execute();
    },
  },
};
