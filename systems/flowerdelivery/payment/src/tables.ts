import { type Kysely, keyText, type Migration, withSerialKey } from '@bounded/store';
import type { Generated } from 'kysely';
import type { PaymentStatus } from './domain/payment.ts';

export interface PaymentTables {
  payments: {
    id: Generated<number>;
    idempotencyKey: string;
    orderId: number;
    itemName: string;
    qty: number;
    itemPrice: number;
    storeName: string;
    userName: string;
    paymentStatus: PaymentStatus;
  };
}

export const migrations: Record<string, Migration> = {
  '0001_payments': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('payments'), 'id', db)
        .addColumn('idempotencyKey', keyText, (c) => c.notNull().unique())
        .addColumn('orderId', 'bigint', (c) => c.notNull())
        .addColumn('itemName', 'varchar(255)', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('itemPrice', 'bigint', (c) => c.notNull())
        .addColumn('storeName', 'varchar(255)', (c) => c.notNull())
        .addColumn('userName', 'varchar(255)', (c) => c.notNull())
        .addColumn('paymentStatus', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payments_order').on('payments').column('orderId').execute();
    },
  },
};
