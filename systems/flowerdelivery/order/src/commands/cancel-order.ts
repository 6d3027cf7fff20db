/** The customer cancels (DELETE /orders/{id}): refused once the rider has started. */
import { NotFoundError } from '@bounded/kernel';
import { toNewEvent } from '../../../events.ts';
import { decided } from '../../../shared/http.ts';
import type { OrderContext } from '../config.ts';
import { cancelOrder } from '../domain/order.ts';
import { loadOrder } from './load-order.ts';

export async function cancelOrderCommand(ctx: OrderContext, id: number, traceparent?: string): Promise<void> {
  await ctx.command(async (trx, record) => {
    const order = await loadOrder(trx, id);
    if (!order) throw new NotFoundError('ORDER.NOT_FOUND', `order ${id} not found`);
    const { state, events } = decided(cancelOrder(order));
    await trx.updateTable('orders').set({ orderStatus: state.orderStatus }).where('id', '=', id).execute();
    await record(events.map(toNewEvent));
  }, traceparent);
}
