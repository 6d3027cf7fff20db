/** The payment service's stored resources, declared once (table, migration, HAL, read routes). */
import { createTables, declareResource, LIMITS, Nullable, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { SEE_ALL } from '../../fields.ts';

const Id = Type.Integer({ minimum: 1, maximum: LIMITS.id });

export const payments = declareResource({
  table: 'payments',
  plural: 'payments',
  fields: Type.Object({
    orderId: Id,
    productId: Id,
    qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    status: Type.Union([Type.Literal('OrderApproved'), Type.Literal('Cancelled')]),
    idempotencyKey: Type.String({ maxLength: LIMITS.text }),
  }),
  serverOwned: ['status'],
  hidden: ['idempotencyKey'],
  unique: ['idempotencyKey'],
  indexes: ['orderId', 'customerId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ order: `/orders/${row.orderId}` }),
  notFound: 'PAYMENT.NOT_FOUND',
});

export const paymentCancellations = declareResource({
  table: 'payment_cancellations',
  plural: 'paymentCancellations',
  fields: Type.Object({
    orderId: Id,
    paymentId: Id,
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    status: Type.Literal('Cancelled'),
    idempotencyKey: Type.String({ maxLength: LIMITS.text }),
  }),
  serverOwned: ['status', 'customerId'],
  hidden: ['idempotencyKey'],
  unique: ['idempotencyKey'],
  indexes: ['orderId', 'paymentId'],
  sortable: ['orderId'],
  filterable: ['orderId', 'paymentId'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ payment: `/payments/${row.paymentId}` }),
  notFound: 'PAYMENT_CANCELLATION.NOT_FOUND',
});

export interface PaymentTables {
  payments: TableOf<typeof payments>;
  payment_cancellations: TableOf<typeof paymentCancellations>;
}

export const migrations = { '0001_payments': createTables(payments, paymentCancellations) };
