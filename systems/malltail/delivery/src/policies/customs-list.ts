/**
 * Whenever a parcel leaves the forwarding warehouse (ShippingCompleted), it is added to the
 * customs list (the seed's "add to customs list"), once per order.
 */
import type { Kysely } from 'kysely';
import { payloadOf } from '../../../events.ts';
import { addToCustomsList } from '../domain/delivery.ts';
import { type DeliveryTables, deliveries } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

export const customsList = {
  ShippingCompleted: async (event: Event, trx: Kysely<DeliveryTables>) => {
    const delivery = addToCustomsList(payloadOf('ShippingCompleted', event.data));
    if (!(await deliveries.loadBy(trx, 'orderNo', delivery.orderNo))) await deliveries.insert(trx, delivery);
  },
};
