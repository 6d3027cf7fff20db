/** The payment's stored resource: one payment per reservation, keyed by the rental's id. */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

export const payments = declareResource({
  table: 'payments',
  plural: 'payments',
  // The id is the rental's (the seed's `payment.setId(rental.id)`): `GET /payments/{rentalId}`.
  id: 'assigned',
  fields: Type.Object({
    memberId: Type.String({ minLength: 1, maxLength: LIMITS.text }),
    bookId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    reqState: Type.Literal('reserve'),
    payStatus: Type.Union([Type.Literal('Paid'), Type.Literal('Refunded')]),
    refundReason: Nullable(
      Type.Union([
        Type.Literal('RentalCancelled'),
        Type.Literal('RentalRejected'),
        Type.Literal('Compensation'),
      ]),
    ),
  }),
  serverOwned: ['reqState', 'payStatus', 'refundReason'],
  indexes: ['memberId'],
  sortable: ['memberId', 'bookId', 'payStatus'],
  filterable: ['memberId', 'bookId', 'payStatus'],
  owner: 'memberId',
  seeAll: ['staff'],
  notFound: 'PAYMENT.NOT_FOUND',
});

export type PaymentRow = RowOf<typeof payments>;
export interface PaymentTables {
  payments: TableOf<typeof payments>;
}

export const migrations = { '0001_payments': createTables(payments) };
