import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields, recipientFields } from '../../order-line.ts';
import { SHIPPING_STATUSES } from './domain/shipping.ts';

/** Overseas shipments: one per order whose shipping started. */
export const shippings = declareResource({
  table: 'shippings',
  plural: 'shippings',
  fields: Type.Object({
    ...orderCopyFields,
    ...recipientFields,
    shippingStatus: OneOf(SHIPPING_STATUSES),
  }),
  serverOwned: ['shippingStatus'],
  unique: ['orderNo'],
  sortable: ['orderNo', 'itemNo', 'shippingStatus'],
  filterable: ['orderNo', 'shippingStatus'],
  links: (s) => ({ complete: 'complete', order: `/orders/${s.orderNo}` }),
});

export interface ShippingTables {
  shippings: TableOf<typeof shippings>;
}

export const migrations = { '0001_shippings': createTables(shippings) };
