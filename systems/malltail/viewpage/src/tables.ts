import { createTables, declareResource, Nullable, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { lineFields, orderNo } from '../../order-line.ts';
import {
  VIEW_DELIVERY_STATUSES,
  VIEW_ORDER_STATUSES,
  VIEW_PAY_STATUSES,
  VIEW_SHIPPING_STATUSES,
  VIEW_SHOP_STATUSES,
} from './views/status-view.ts';

/**
 * statusViews: one row per order, fed only by events. Through the gateway a customer sees only
 * the rows of their own orders (another's row answers 404 like a missing one), an admin sees
 * all; a direct loopback call (no identity headers) sees all, as the seed's view did.
 */
export const statusViews = declareResource({
  table: 'status_views',
  plural: 'statusViews',
  fields: Type.Object({
    orderNo,
    customerId: lineFields.customerId,
    itemNo: Nullable(lineFields.itemNo),
    qty: Nullable(lineFields.qty),
    orderStatus: Nullable(OneOf(VIEW_ORDER_STATUSES)),
    paystatus: Nullable(OneOf(VIEW_PAY_STATUSES)),
    shopStatus: Nullable(OneOf(VIEW_SHOP_STATUSES)),
    shippingStatus: Nullable(OneOf(VIEW_SHIPPING_STATUSES)),
    deliveryStatus: Nullable(OneOf(VIEW_DELIVERY_STATUSES)),
  }),
  unique: ['orderNo'],
  indexes: ['customerId'],
  sortable: ['orderNo', 'orderStatus', 'customerId'],
  filterable: ['customerId', 'orderNo'],
  owner: 'customerId',
  links: (row) => ({ order: `/orders/${row.orderNo}` }),
});

export interface ViewPageTables {
  status_views: TableOf<typeof statusViews>;
}

export const migrations = { '0001_status_views': createTables(statusViews) };
