import { type Kysely, keyText, type Migration, withSerialKey } from '@bounded/store';
import type { Generated } from 'kysely';
import type { OrderStatus, PaymentStatus } from './domain/order.ts';

export interface OrderTables {
  /** Order numbers handed out before paying (the payment needs the order id); not orders. */
  order_numbers: { id: Generated<number>; token: string };
  orders: {
    id: number;
    itemName: string;
    qty: number;
    itemPrice: number;
    storeName: string;
    userName: string;
    orderStatus: OrderStatus;
    paymentId: number;
    paymentStatus: PaymentStatus;
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
        .addColumn('itemName', 'varchar(255)', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('itemPrice', 'bigint', (c) => c.notNull())
        .addColumn('storeName', 'varchar(255)', (c) => c.notNull())
        .addColumn('userName', 'varchar(255)', (c) => c.notNull())
        .addColumn('orderStatus', 'varchar(32)', (c) => c.notNull())
        .addColumn('paymentId', 'bigint', (c) => c.notNull())
        .addColumn('paymentStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
  '0002_orders_user': {
    // GET /orders through the gateway lists only the caller's orders.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('orders_user').on('orders').column('userName').execute();
    },
  },
};
