/** MyPage's stored view: one row per rental, keyed by the rental's id. */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

export const myPages = declareResource({
  table: 'mypages',
  plural: 'mypages',
  singular: 'mypage',
  // The row of rental n is /mypages/n (the seed's `GET /mypages/7`).
  id: 'assigned',
  fields: Type.Object({
    memberId: Nullable(Type.String({ maxLength: LIMITS.text })),
    bookId: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    reqState: Nullable(
      Type.Union([
        Type.Literal('reserve'),
        Type.Literal('rental'),
        Type.Literal('return'),
        Type.Literal('cancel'),
        Type.Literal('rejected'),
      ]),
    ),
    payStatus: Nullable(Type.Union([Type.Literal('Paid'), Type.Literal('Refunded')])),
    bookStatus: Nullable(
      Type.Union([
        Type.Literal('reserved'),
        Type.Literal('rentaled'),
        Type.Literal('returned'),
        Type.Literal('refunded'),
        Type.Literal('rejected'),
      ]),
    ),
  }),
  serverOwned: ['memberId', 'bookId', 'reqState', 'payStatus', 'bookStatus'],
  indexes: ['memberId'],
  sortable: ['memberId', 'bookId', 'reqState', 'bookStatus'],
  filterable: ['memberId', 'bookId', 'reqState', 'payStatus', 'bookStatus'],
  owner: 'memberId',
  seeAll: ['staff'],
  notFound: 'MYPAGE.NOT_FOUND',
});

export type MyPageRow = RowOf<typeof myPages>;
export interface MyPageTables {
  mypages: TableOf<typeof myPages>;
}

export const migrations = { '0001_mypages': createTables(myPages) };
