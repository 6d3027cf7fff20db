/**
 * Whenever the shop accepts, the order starts overseas shipping — unless it was cancelled first
 * (domain/order.ts explains why this decision lives here). Whenever the shop rejects, the order
 * ends rejected; whenever shipping or delivery move the parcel, or pay refunds, the order
 * records it. An event for an order not saved yet is retried (the order commits right after pay
 * answers) and parked if it never appears.
 */
import { NotYetError, type RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { loadOrder, saveOrder } from '../commands/load-order.ts';
import {
  type Order,
  type OrderDeliveryStatus,
  observeDelivery,
  observeRefund,
  rejectByShop,
  startShipping,
} from '../domain/order.ts';
import type { OrderTables } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<OrderTables>, record: RecordEvents) => Promise<void>;

async function load(trx: Kysely<OrderTables>, event: Event): Promise<Order> {
  const orderId = orderIdOf(event);
  const order = await loadOrder(trx, orderId, { lock: true });
  if (!order) throw new NotYetError(`order ${orderId} not found (yet)`);
  return order;
}

const update =
  (change: (order: Order, at: string) => Order): Handler =>
  async (event, trx) => {
    const order = await load(trx, event);
    const next = change(order, new Date().toISOString());
    if (next !== order) await saveOrder(trx, next);
  };

const delivery = (status: OrderDeliveryStatus) => update((o, at) => observeDelivery(o, status, at));

export const orderPolicies: Record<string, Handler> = {
  OrderAccepted: async (event, trx, record) => {
    const decision = startShipping(await load(trx, event), new Date().toISOString());
    if (!decision.ok) return; // cancelled or rejected first (or a re-delivery): nothing ships
    await saveOrder(trx, decision.state);
    await record(decision.events.map(toNewEvent));
  },
  OrderRejected: update(rejectByShop),
  ShippingCompleted: delivery('ShippingCompleted'),
  CustomsApproved: delivery('CustomsApproved'),
  CustomsRejected: delivery('Disposed'),
  DeliveryCompleted: delivery('DeliveryCompleted'),
  PaymentCanceled: async (event, trx, record) => {
    // A compensation refunds a payment whose order was never saved: nothing to track here.
    if (payloadOf('PaymentCanceled', event.data).reason === 'Compensation') return;
    await update(observeRefund)(event, trx, record);
  },
};
