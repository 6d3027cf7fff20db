import { createTables, declareResource, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields } from '../../order-line.ts';

/** Payments: the order line paid for; created only by the order service's sync call. */
export const payments = declareResource({
  table: 'payments',
  plural: 'payments',
  fields: Type.Object({
    ...orderCopyFields,
    paymentStatus: Type.Union([Type.Literal('Paid'), Type.Literal('Refunded')]),
    idempotencyKey: Type.String({ maxLength: 255 }),
  }),
  serverOwned: ['paymentStatus'],
  hidden: ['idempotencyKey'],
  unique: ['idempotencyKey'],
  indexes: ['orderId'],
  sortable: ['orderId', 'paymentStatus'],
});

export interface PaymentTables {
  payments: TableOf<typeof payments>;
}

export const migrations = { '0001_payments': createTables(payments) };
