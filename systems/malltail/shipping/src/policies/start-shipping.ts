/**
 * Whenever the order starts overseas shipping (OrderDeliveryStarted, the seed's "start
 * shipping" policy), a shipment exists, once per order (the inbox drops a re-delivered event
 * and orderNo is unique). Only the order decides that shipping starts; see order/src/domain/order.ts.
 */
import type { Kysely } from 'kysely';
import { payloadOf } from '../../../events.ts';
import { startShipment } from '../domain/shipping.ts';
import { type ShippingTables, shippings } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

export const startShippingPolicies = {
  OrderDeliveryStarted: async (event: Event, trx: Kysely<ShippingTables>) => {
    const shipment = startShipment(payloadOf('OrderDeliveryStarted', event.data));
    if (!(await shippings.loadBy(trx, 'orderNo', shipment.orderNo))) await shippings.insert(trx, shipment);
  },
};
