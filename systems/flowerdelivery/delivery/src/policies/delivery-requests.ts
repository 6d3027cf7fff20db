/**
 * Whenever flowers are decorated, a delivery is requested (once per order: the inbox drops a
 * re-delivered event and orderId is unique); whenever the order is cancelled or refunded, a
 * delivery not yet started is cancelled (requirement 12).
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { cancelDelivery } from '../domain/delivery.ts';
import { type DeliveryTables, toDelivery } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function callOff(event: Event, trx: Kysely<DeliveryTables>, record: RecordEvents): Promise<void> {
  const row = await trx
    .selectFrom('deliveries')
    .selectAll()
    .where('orderId', '=', orderIdOf(event))
    .forUpdate()
    .executeTakeFirst();
  if (!row) return;
  const decision = cancelDelivery(toDelivery(row));
  if (!decision.ok) return; // already on its way, done, or cancelled
  await trx
    .updateTable('deliveries')
    .set({ deliveryStatus: 'DeliveryCancelled' })
    .where('id', '=', row.id)
    .execute();
  await record(decision.events.map(toNewEvent));
}

export const deliveryRequests = {
  Decorated: async (event: Event, trx: Kysely<DeliveryTables>) => {
    const { orderId, itemName, qty, itemPrice, storeName, userName } = payloadOf('Decorated', event.data);
    const known = await trx
      .selectFrom('deliveries')
      .select('id')
      .where('orderId', '=', orderId)
      .executeTakeFirst();
    if (known) return;
    await trx
      .insertInto('deliveries')
      .values({ orderId, itemName, qty, itemPrice, storeName, userName, deliveryStatus: 'DeliveryRequested' })
      .execute();
  },
  OrderCancelled: callOff,
  PaymentCancelled: callOff,
};
