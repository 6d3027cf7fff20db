import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { ShopManagement, ShopStatus } from './domain/shop-management.ts';

export interface ShopTables {
  shop_managements: {
    id: Generated<number>;
    orderNo: number;
    itemNo: number;
    qty: number;
    customerId: string | null;
    deliveryStatus: ShopStatus;
  };
}

export function toShopManagement(row: Selectable<ShopTables['shop_managements']>): ShopManagement {
  return { ...row, id: Number(row.id), orderNo: Number(row.orderNo), itemNo: Number(row.itemNo) };
}

export const migrations: Record<string, Migration> = {
  '0001_shop_managements': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('shop_managements'), 'id', db)
        .addColumn('orderNo', 'bigint', (c) => c.notNull().unique())
        .addColumn('itemNo', 'bigint', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('deliveryStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
};
