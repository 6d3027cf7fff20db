/**
 * The customer cancels (PUT /orders/{id}/cancel): decided on the order's row in one transaction,
 * the same row the shipping start is decided on (see domain/order.ts), so the two never both
 * win. Another customer's order is answered like a missing one (404).
 */
import { type Caller, decided, mayAccess } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { cancelOrder, type Order } from '../domain/order.ts';
import { loadOrder, orderNotFound, saveOrder } from './load-order.ts';

export async function cancelOrderCommand(
  ctx: OrderContext,
  id: number,
  caller: Caller,
  traceparent?: string,
): Promise<Order> {
  return ctx.command(async (trx, record) => {
    const order = await loadOrder(trx, id, { lock: true });
    if (!order || !mayAccess(caller, order.customerId)) throw orderNotFound(id);
    const { state, events } = decided(cancelOrder(order, new Date().toISOString()));
    await saveOrder(trx, state);
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
