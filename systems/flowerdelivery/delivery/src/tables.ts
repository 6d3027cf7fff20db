import { createTables, declareResource, OneOf, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { NULLABLE_LINE_COLUMNS, orderCopyFields, relaxNotNull } from '../../order-line.ts';
import { DELIVERY_STATUSES } from './domain/delivery.ts';

/** The riders' work list: one delivery per decorated order. */
export const deliveries = declareResource({
  table: 'deliveries',
  plural: 'deliveries',
  singular: 'delivery',
  fields: Type.Object({ ...orderCopyFields, deliveryStatus: OneOf(DELIVERY_STATUSES) }),
  serverOwned: ['deliveryStatus'],
  unique: ['orderId'],
  sortable: ['orderId', 'deliveryStatus'],
  filterable: ['orderId', 'deliveryStatus'],
  links: () => ({ start: 'start', complete: 'complete' }),
});

/**
 * Orders cancelled (or refunded) before their flowers were decorated. The store may decorate
 * before it sees the cancel (the two come from different publishers), and its late Decorated must
 * then request nothing: the rider's list and MyPage hold no delivery for an order called off first.
 */
export const calledOff = declareResource({
  table: 'called_off_orders',
  plural: 'calledOffOrders',
  fields: Type.Object({ orderId: orderCopyFields.orderId }),
  unique: ['orderId'],
});

export interface DeliveryTables {
  deliveries: TableOf<typeof deliveries>;
  called_off_orders: TableOf<typeof calledOff>;
}

export const migrations = {
  '0001_deliveries': createTables(deliveries),
  // The store's copy may lack itemPrice and userName (a generated payment's Paid): so may ours.
  '0002_deliveries_line_optional': relaxNotNull('deliveries', NULLABLE_LINE_COLUMNS, (table) =>
    createTables({ spec: { ...deliveries.spec, table } }),
  ),
  '0003_called_off_orders': createTables(calledOff),
};
