import { createTables, declareResource, LIMITS, Nullable, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import {
  MY_PAGE_DELIVERY_STATUSES,
  MY_PAGE_ORDER_STATUSES,
  MY_PAGE_PAYMENT_STATUSES,
} from './views/my-page.ts';

const text = Nullable(Type.String({ maxLength: LIMITS.text }));

/**
 * MyPage: one row per order, fed only by events. Through the gateway a customer sees only the
 * rows of their own orders (another's answers 404 like a missing one), an admin sees all; a
 * direct loopback call sees all, as the seed's view did.
 */
export const myPages = declareResource({
  table: 'my_pages',
  plural: 'myPages',
  singular: 'myPage',
  fields: Type.Object({
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    storeName: text,
    itemName: text,
    orderQty: Nullable(Type.Integer({ maximum: LIMITS.int })),
    itemPrice: Nullable(Type.Integer({ maximum: LIMITS.id })),
    userName: text,
    orderStatus: Nullable(OneOf(MY_PAGE_ORDER_STATUSES)),
    deliveryStatus: Nullable(OneOf(MY_PAGE_DELIVERY_STATUSES)),
    paymentStatus: Nullable(OneOf(MY_PAGE_PAYMENT_STATUSES)),
  }),
  unique: ['orderId'],
  indexes: ['userName'],
  sortable: ['orderId', 'orderStatus', 'deliveryStatus', 'userName'],
  filterable: ['userName', 'orderId'],
  owner: 'userName',
});

export interface MyPageTables {
  my_pages: TableOf<typeof myPages>;
}

export const migrations = { '0001_my_pages': createTables(myPages) };
