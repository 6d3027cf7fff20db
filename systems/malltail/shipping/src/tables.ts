import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { Shipping, ShippingStatus } from './domain/shipping.ts';

export interface ShippingTables {
  shippings: {
    id: Generated<number>;
    orderNo: number;
    itemNo: number;
    qty: number;
    customerId: string | null;
    customerName: string | null;
    customerAddress: string | null;
    phoneNumber: string | null;
    shippingStatus: ShippingStatus;
  };
}

export function toShipping(row: Selectable<ShippingTables['shippings']>): Shipping {
  return { ...row, id: Number(row.id), orderNo: Number(row.orderNo), itemNo: Number(row.itemNo) };
}

export const migrations: Record<string, Migration> = {
  '0001_shippings': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('shippings'), 'id', db)
        .addColumn('orderNo', 'bigint', (c) => c.notNull().unique())
        .addColumn('itemNo', 'bigint', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('customerName', 'varchar(255)')
        .addColumn('customerAddress', 'varchar(1000)')
        .addColumn('phoneNumber', 'varchar(64)')
        .addColumn('shippingStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
};
