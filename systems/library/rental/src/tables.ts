/** The rental's stored resource: one row per reservation, numbered before it is paid. */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type SagaTables,
  sagaMigrations,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

const ReqStateField = Type.Union([
  Type.Literal('reserve'),
  Type.Literal('rental'),
  Type.Literal('return'),
  Type.Literal('cancel'),
  Type.Literal('rejected'),
]);
const RejectReasonField = Type.Union([
  Type.Literal('unknown'),
  Type.Literal('retired'),
  Type.Literal('reserved'),
  Type.Literal('rentaled'),
]);

export const rentals = declareResource({
  table: 'rentals',
  plural: 'rentals',
  // The rental's number is drawn before paying (the payment carries it), so the command gives it.
  id: 'assigned',
  fields: Type.Object({
    memberId: Type.String({ minLength: 1, maxLength: LIMITS.text }),
    bookId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    reqState: ReqStateField,
    rejectReason: Nullable(RejectReasonField),
  }),
  serverOwned: ['reqState', 'rejectReason'],
  indexes: ['memberId', 'bookId'],
  sortable: ['memberId', 'bookId', 'reqState'],
  filterable: ['memberId', 'bookId', 'reqState'],
  owner: 'memberId',
  seeAll: ['staff'],
  notFound: 'RENTAL.NOT_FOUND',
});

export type RentalRow = RowOf<typeof rentals>;
export interface RentalTables extends SagaTables {
  rentals: TableOf<typeof rentals>;
}

export const migrations = { ...sagaMigrations, '0001_rentals': createTables(rentals) };
