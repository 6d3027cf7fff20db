import { createTables, declareResource, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { NULLABLE_LINE_COLUMNS, orderCopyFields, orderLineFields, relaxNotNull } from '../../order-line.ts';

/**
 * Payments: the order line paid for; created only by the order service's sync call. userName may
 * be left out (a generated order's Feign Payment has none); a price may not.
 */
export const payments = declareResource({
  table: 'payments',
  plural: 'payments',
  fields: Type.Object({
    ...orderCopyFields,
    itemPrice: orderLineFields.itemPrice,
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

export const migrations = {
  '0001_payments': createTables(payments),
  '0002_payments_user_optional': relaxNotNull(
    'payments',
    { userName: NULLABLE_LINE_COLUMNS.userName },
    (table) => createTables({ spec: { ...payments.spec, table } }),
  ),
};
