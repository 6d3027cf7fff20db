import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { Delivery, DeliveryStatus } from './domain/delivery.ts';

export interface DeliveryTables {
  deliveries: {
    id: Generated<number>;
    orderId: number;
    itemName: string;
    qty: number;
    itemPrice: number;
    storeName: string;
    userName: string;
    deliveryStatus: DeliveryStatus;
  };
}

export function toDelivery(row: Selectable<DeliveryTables['deliveries']>): Delivery {
  return { ...row, id: Number(row.id), orderId: Number(row.orderId), itemPrice: Number(row.itemPrice) };
}

export const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('deliveries'), 'id', db)
        .addColumn('orderId', 'bigint', (c) => c.notNull().unique())
        .addColumn('itemName', 'varchar(255)', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('itemPrice', 'bigint', (c) => c.notNull())
        .addColumn('storeName', 'varchar(255)', (c) => c.notNull())
        .addColumn('userName', 'varchar(255)', (c) => c.notNull())
        .addColumn('deliveryStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
};
