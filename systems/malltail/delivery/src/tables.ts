import { type Kysely, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { Delivery, DeliveryStatus } from './domain/delivery.ts';

export interface DeliveryTables {
  deliveries: {
    id: Generated<number>;
    orderNo: number;
    itemNo: number;
    qty: number;
    customerId: string | null;
    customerName: string | null;
    customerAddress: string | null;
    phoneNumber: string | null;
    deliveryStatus: DeliveryStatus;
  };
}

export function toDelivery(row: Selectable<DeliveryTables['deliveries']>): Delivery {
  return { ...row, id: Number(row.id), orderNo: Number(row.orderNo), itemNo: Number(row.itemNo) };
}

export const migrations: Record<string, Migration> = {
  '0001_deliveries': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('deliveries'), 'id', db)
        .addColumn('orderNo', 'bigint', (c) => c.notNull().unique())
        .addColumn('itemNo', 'bigint', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('customerName', 'varchar(255)')
        .addColumn('customerAddress', 'varchar(1000)')
        .addColumn('phoneNumber', 'varchar(64)')
        .addColumn('deliveryStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
  },
};
