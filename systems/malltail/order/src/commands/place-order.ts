/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Pay down or slow → nothing is saved (the caller gets 503 +
 * Retry-After). Save fails after the payment went through → a PaymentCompensationRequested
 * event (outbox) asks pay to refund, so no paid-but-missing order is left behind (see placePaidOrder).
 */
import { placePaidOrder } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PayPort } from '../pay-port.ts';

export function placeOrderCommand(
  ctx: OrderContext,
  pay: PayPort,
  request: OrderRequest,
  traceparent?: string,
): Promise<Order> {
  const { itemNo, qty, customerId } = request;
  return placePaidOrder(
    ctx,
    {
      number: (token) => numberOrder(ctx, token),
      pay: (orderNo, token) => pay.pay({ orderNo, itemNo, qty, customerId }, token, traceparent),
      // The order's date is the moment it was paid (the clock stays out of the domain).
      decide: (orderNo, paymentId) => placeOrder(orderNo, request, paymentId, new Date().toISOString()),
      save: (trx, order) => trx.insertInto('orders').values(order).execute(),
      compensation: (orderId, paymentId) => ({
        type: 'PaymentCompensationRequested' as const,
        data: { orderId, paymentId, reason: 'order could not be saved after payment' },
      }),
      toNewEvent,
    },
    traceparent,
  );
}

/** Order numbers are handed out before paying: pay needs the order's number. */
async function numberOrder(ctx: OrderContext, token: string): Promise<number> {
  const numbered = await ctx.store.transaction((trx) =>
    trx.insertInto('order_numbers').values({ token }).returning('id').executeTakeFirstOrThrow(),
  );
  return Number(numbered.id);
}
