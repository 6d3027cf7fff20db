import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { StoreOrder, StoreOrderStatus } from './domain/store-order.ts';

export interface OrderManagementTables {
  ordermanagements: {
    id: Generated<number>;
    orderId: number;
    itemName: string;
    qty: number;
    itemPrice: number;
    storeName: string;
    userName: string;
    orderStatus: StoreOrderStatus;
  };
}

export function toStoreOrder(row: Selectable<OrderManagementTables['ordermanagements']>): StoreOrder {
  return { ...row, id: Number(row.id), orderId: Number(row.orderId), itemPrice: Number(row.itemPrice) };
}

export const migrations: Record<string, Migration> = {
  '0001_ordermanagements': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('ordermanagements'), 'id', db)
        .addColumn('orderId', 'bigint', (c) => c.notNull().unique())
        .addColumn('itemName', 'varchar(255)', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('itemPrice', 'bigint', (c) => c.notNull())
        .addColumn('storeName', 'varchar(255)', (c) => c.notNull())
        .addColumn('userName', 'varchar(255)', (c) => c.notNull())
        .addColumn('orderStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
};
