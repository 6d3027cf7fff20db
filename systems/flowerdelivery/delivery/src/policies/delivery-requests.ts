/**
 * Whenever flowers are decorated, a delivery is requested (once per order: the inbox drops a
 * re-delivered event and orderId is unique); whenever the order is cancelled or refunded, a
 * delivery not yet started is cancelled (requirement 12). The delivery copies the store's copy
 * as Decorated carries it: a store copy made from a generated payment's Paid (no itemPrice, no
 * userName) has them from the order's Ordered by then, unless the store decorated before its
 * Ordered arrived; the delivery then holds null there (the rider needs neither).
 * A cancel that comes before the Decorated (the store decorated before it saw the cancel) is
 * remembered in calledOff, and the late Decorated requests nothing. Events of one order carry its
 * id as their key, so one partition orders the two and they are never handled at once.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, toNewEvent } from '../../../events.ts';
import { copyLine, type LineCopies } from '../../../order-line.ts';
import { cancelDelivery } from '../domain/delivery.ts';
import { calledOff, type DeliveryTables, deliveries } from '../tables.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };

const copies: LineCopies<{ id: number }> = {
  load: (db, orderId) => deliveries.loadBy(db, 'orderId', orderId, { lock: true }),
  update: (db, id, patch) => deliveries.update(db, id, patch),
  create: async (db, orderId, line) => {
    await deliveries.insert(db, { orderId, ...line, deliveryStatus: 'DeliveryRequested' });
  },
};

async function request(event: Event, trx: Kysely<DeliveryTables>): Promise<void> {
  const orderId = orderIdOf(event);
  if (await calledOff.loadBy(trx, 'orderId', orderId)) return;
  await copyLine(trx, copies, orderId, event.data, false);
}

async function callOff(event: Event, trx: Kysely<DeliveryTables>, record: RecordEvents): Promise<void> {
  const orderId = orderIdOf(event);
  const row = await deliveries.loadBy(trx, 'orderId', orderId, { lock: true });
  if (!row) {
    if (!(await calledOff.loadBy(trx, 'orderId', orderId))) await calledOff.insert(trx, { orderId });
    return;
  }
  const decision = cancelDelivery(row);
  if (!decision.ok) return; // already on its way, done, or cancelled
  await deliveries.update(trx, row.id, { deliveryStatus: 'DeliveryCancelled' });
  await record(decision.events.map(toNewEvent));
}

export const deliveryRequests = {
  Decorated: request,
  OrderCancelled: callOff,
  PaymentCancelled: callOff,
};
