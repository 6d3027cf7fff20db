/**
 * Whenever the car is delivered or a coupon issued, the order shows it (seed: `shipped`, then
 * `offered`); whenever the delivery is cancelled (the end of the cancel saga), the rental ends
 * cancelled and OrderCanceled is announced. An event for a rental not saved yet is retried (the
 * order commits right after payment answers, and Paid may outrun it) and parked if it never appears.
 */
import { NotYetError, type RecordEvents } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import type { Kysely } from 'kysely';
import { orderIdOf, type PolicyEvent, payloadOf, toNewEvent } from '../../../events.ts';
import { endCancelled, follow, type Order } from '../domain/order.ts';
import { type OrderTables, orders } from '../resources.ts';

type Handler = (event: PolicyEvent, trx: Kysely<OrderTables>, record: RecordEvents) => Promise<void>;

async function load(trx: Kysely<OrderTables>, event: PolicyEvent): Promise<Order> {
  const id = orderIdOf(event);
  const order = await orders.load(trx, id, { lock: true });
  if (!order) throw new NotYetError(`order ${id} not found (yet)`);
  return order;
}

const followTo =
  (status: 'shipped' | 'offered'): Handler =>
  async (event, trx) => {
    const order = await load(trx, event);
    const next = follow(order, status);
    if (next !== order) await orders.update(trx, order.id, { status: next.status });
  };

export const followRental: Record<string, Handler> = {
  Shipped: followTo('shipped'),
  CouponOffered: followTo('offered'),
  DeliveryCanceled: async (event, trx, record) => {
    // A delivery cancelled because its payment was refunded for a rental never saved: no order.
    const { reason } = payloadOf('DeliveryCanceled', event.data);
    if (reason === 'PaymentRefunded' && !(await orders.load(trx, orderIdOf(event)))) return;
    const order = await load(trx, event);
    const { state, events } = decided(endCancelled(order));
    if (events.length === 0) return;
    await orders.update(trx, order.id, { status: state.status });
    await record(events.map(toNewEvent));
  },
};
