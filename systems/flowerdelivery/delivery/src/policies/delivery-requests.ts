/**
 * Whenever flowers are decorated, a delivery is requested (once per order: the inbox drops a
 * re-delivered event and orderId is unique); whenever the order is cancelled or refunded, a
 * delivery not yet started is cancelled (requirement 12).
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { cancelDelivery } from '../domain/delivery.ts';
import { type DeliveryTables, deliveries } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function callOff(event: Event, trx: Kysely<DeliveryTables>, record: RecordEvents): Promise<void> {
  const row = await deliveries.loadBy(trx, 'orderId', orderIdOf(event), { lock: true });
  if (!row) return;
  const decision = cancelDelivery(row);
  if (!decision.ok) return; // already on its way, done, or cancelled
  await deliveries.update(trx, row.id, { deliveryStatus: 'DeliveryCancelled' });
  await record(decision.events.map(toNewEvent));
}

export const deliveryRequests = {
  Decorated: async (event: Event, trx: Kysely<DeliveryTables>) => {
    const { orderId, itemName, qty, itemPrice, storeName, userName } = payloadOf('Decorated', event.data);
    if (await deliveries.loadBy(trx, 'orderId', orderId)) return;
    const line = { orderId, itemName, qty, itemPrice, storeName, userName };
    await deliveries.insert(trx, { ...line, deliveryStatus: 'DeliveryRequested' });
  },
  OrderCancelled: callOff,
  PaymentCancelled: callOff,
};
