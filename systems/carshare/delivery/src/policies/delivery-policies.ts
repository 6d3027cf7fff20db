/**
 * Whenever a rental is paid, the company brings the car (seed: wheneverPaid_Ship → Shipped) —
 * unless the rental has its delivery row already (a re-delivery, or a cancel that completed
 * before this Paid arrived). Whenever a payment is refunded because its rental was never saved,
 * the car is not needed: the delivery is cancelled.
 */
import type { RecordEvents } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import type { Kysely } from 'kysely';
import { type PolicyEvent, payloadOf, toNewEvent } from '../../../events.ts';
import { cancel, ship } from '../domain/delivery.ts';
import { type DeliveryTables, deliveries } from '../resources.ts';

type Handler = (event: PolicyEvent, trx: Kysely<DeliveryTables>, record: RecordEvents) => Promise<void>;

export const deliveryPolicies: Record<string, Handler> = {
  Paid: async (event, trx, record) => {
    const paid = payloadOf('Paid', event.data);
    if (await deliveries.loadBy(trx, 'orderId', paid.orderId, { lock: true })) return;
    const row = {
      orderId: paid.orderId,
      paymentId: paid.id,
      productId: paid.productId,
      qty: paid.qty,
      customerId: paid.customerId,
      status: 'Shipped' as const,
    };
    const id = await deliveries.insert(trx, row);
    const { events } = decided(ship(undefined, { id, ...row }));
    await record(events.map(toNewEvent));
  },
  PaymentCanceled: async (event, trx, record) => {
    const canceled = payloadOf('PaymentCanceled', event.data);
    if (canceled.reason !== 'OrderNotSaved') return; // the cancel saga cancels its own delivery
    const delivery = await deliveries.loadBy(trx, 'orderId', canceled.orderId, { lock: true });
    if (!delivery) return;
    const decision = cancel(delivery, null, 'PaymentRefunded');
    if (!decision.ok) return;
    await deliveries.update(trx, delivery.id, { status: 'Cancelled' });
    await record(decision.events.map(toNewEvent));
  },
};
