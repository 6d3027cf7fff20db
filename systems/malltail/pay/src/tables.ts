import { type Kysely, keyText, type Migration, withSerialKey } from '@bounded/store';
import type { Generated, Selectable } from 'kysely';
import type { Payment, PayStatus } from './domain/payment.ts';

export interface PayTables {
  payments: {
    id: Generated<number>;
    idempotencyKey: string;
    orderNo: number;
    itemNo: number;
    qty: number;
    customerId: string | null;
    paystatus: PayStatus;
  };
}

export function toPayment(row: Selectable<PayTables['payments']>): Payment {
  const { idempotencyKey: _key, ...rest } = row;
  return { ...rest, id: Number(row.id), orderNo: Number(row.orderNo), itemNo: Number(row.itemNo) };
}

export const migrations: Record<string, Migration> = {
  '0001_payments': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('payments'), 'id', db)
        .addColumn('idempotencyKey', keyText, (c) => c.notNull().unique())
        .addColumn('orderNo', 'bigint', (c) => c.notNull())
        .addColumn('itemNo', 'bigint', (c) => c.notNull())
        .addColumn('qty', 'integer', (c) => c.notNull())
        .addColumn('customerId', 'varchar(255)')
        .addColumn('paystatus', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('payments_order').on('payments').column('orderNo').execute();
    },
  },
};
