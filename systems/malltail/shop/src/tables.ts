import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields } from '../../order-line.ts';
import { SHOP_STATUSES } from './domain/shop-management.ts';

/** The shop owner's copy of each paid order, with the owner's decision on it. */
export const shopManagements = declareResource({
  table: 'shop_managements',
  plural: 'shopManagements',
  fields: Type.Object({ ...orderCopyFields, deliveryStatus: OneOf(SHOP_STATUSES) }),
  serverOwned: ['deliveryStatus'],
  unique: ['orderNo'],
  sortable: ['orderNo', 'itemNo', 'deliveryStatus'],
  filterable: ['orderNo', 'deliveryStatus'],
  links: (s) => ({ accept: 'accept', reject: 'reject', order: `/orders/${s.orderNo}` }),
  notFound: 'SHOP.NOT_FOUND',
});

export interface ShopTables {
  shop_managements: TableOf<typeof shopManagements>;
}

export const migrations = { '0001_shop_managements': createTables(shopManagements) };
