import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields, recipientFields } from '../../order-line.ts';
import { DELIVERY_STATUSES } from './domain/delivery.ts';

/** The customs list and domestic delivery: one per parcel that left the forwarding warehouse. */
export const deliveries = declareResource({
  table: 'deliveries',
  plural: 'deliveries',
  singular: 'delivery',
  fields: Type.Object({
    ...orderCopyFields,
    ...recipientFields,
    deliveryStatus: OneOf(DELIVERY_STATUSES),
  }),
  serverOwned: ['deliveryStatus'],
  unique: ['orderNo'],
  sortable: ['orderNo', 'itemNo', 'deliveryStatus'],
  filterable: ['orderNo', 'deliveryStatus'],
  links: () => ({ approve: 'approve', reject: 'reject', complete: 'complete' }),
});

export interface DeliveryTables {
  deliveries: TableOf<typeof deliveries>;
}

export const migrations = { '0001_deliveries': createTables(deliveries) };
