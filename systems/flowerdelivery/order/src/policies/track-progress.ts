/**
 * Whenever the store or the rider moves an order on, the order records where it stands, so
 * GET /orders/{id} shows the current status (requirement 13). An event for an order not saved
 * yet is retried (the order commits right after payment answers) and parked if it never appears.
 */
import { NotYetError, type RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { loadOrder } from '../commands/load-order.ts';
import { type Order, type OrderStatus, observeProgress, observeRefund } from '../domain/order.ts';
import { type OrderTables, orders } from '../tables.ts';

type Handler = (
  event: { key: string; data: Readonly<Record<string, unknown>> },
  trx: Kysely<OrderTables>,
  record: RecordEvents,
) => Promise<void>;

async function update(
  trx: Kysely<OrderTables>,
  orderId: number,
  change: (order: Order) => Order,
): Promise<void> {
  const order = await loadOrder(trx, orderId, { lock: true });
  if (!order) throw new NotYetError(`order ${orderId} not found (yet)`);
  const next = change(order);
  await orders.update(trx, orderId, { orderStatus: next.orderStatus, paymentStatus: next.paymentStatus });
}

const progress =
  (status: OrderStatus): Handler =>
  (event, trx) =>
    update(trx, orderIdOf(event), (order) => observeProgress(order, status));

export const trackProgress: Record<string, Handler> = {
  OrderAccepted: progress('OrderAccepted'),
  Decorated: progress('Decorated'),
  OrderRejected: progress('OrderRejected'),
  DeliveryStarted: progress('DeliveryStarted'),
  DeliveryCompleted: progress('DeliveryCompleted'),
  PaymentCancelled: async (event, trx) => {
    // A compensation refunds a payment whose order was never saved: nothing to track here.
    if (payloadOf('PaymentCancelled', event.data).reason === 'Compensation') return;
    await update(trx, orderIdOf(event), observeRefund);
  },
};
