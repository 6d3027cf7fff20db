import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields } from '../../order-line.ts';
import { PAY_STATUSES } from './domain/payment.ts';

/** Payments: the order line paid for; created only by the order service's sync call. */
export const payments = declareResource({
  table: 'payments',
  plural: 'payments',
  fields: Type.Object({
    idempotencyKey: Type.String({ maxLength: 255 }),
    ...orderCopyFields,
    paystatus: OneOf(PAY_STATUSES),
  }),
  serverOwned: ['paystatus'],
  hidden: ['idempotencyKey'],
  unique: ['idempotencyKey'],
  indexes: ['orderNo'],
  sortable: ['orderNo', 'paystatus'],
  filterable: ['orderNo'],
});

export interface PayTables {
  payments: TableOf<typeof payments>;
}

export const migrations = { '0001_payments': createTables(payments) };
