/**
 * The customer cancels (DELETE /orders/{id}): refused once the rider has started. Another
 * customer's order is answered like a missing one (404), so its existence is not revealed.
 */

import { type Caller, decided, mayAccess } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { cancelOrder } from '../domain/order.ts';
import { orders } from '../tables.ts';
import { loadOrder, orderNotFound } from './load-order.ts';

export async function cancelOrderCommand(
  ctx: OrderContext,
  id: number,
  caller: Caller,
  traceparent?: string,
): Promise<void> {
  await ctx.command(async (trx, record) => {
    const order = await loadOrder(trx, id, { lock: true });
    if (!order || !mayAccess(caller, order.userName)) throw orderNotFound(id);
    const { state, events } = decided(cancelOrder(order));
    await orders.update(trx, id, { orderStatus: state.orderStatus });
    await record(events.map(toNewEvent));
  }, traceparent);
}
