/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Payment down → nothing is saved (the caller gets 503).
 * Saved fails after payment went through → a PaymentCompensationRequested event (outbox) asks
 * payment to refund, so no paid-but-missing order is left behind (see placePaidOrder).
 */
import { placePaidOrder } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PaymentPort } from '../payment-port.ts';

export function placeOrderCommand(
  ctx: OrderContext,
  payment: PaymentPort,
  request: OrderRequest,
  traceparent?: string,
): Promise<Order> {
  return placePaidOrder(
    ctx,
    {
      number: (token) => numberOrder(ctx, token),
      pay: (orderId, token) => payment.pay({ orderId, ...request }, token, traceparent),
      decide: (orderId, paymentId) => placeOrder(orderId, request, paymentId),
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

/** Order numbers are handed out before paying: payment needs the order's id. */
async function numberOrder(ctx: OrderContext, token: string): Promise<number> {
  const numbered = await ctx.store.transaction((trx) =>
    trx.insertInto('order_numbers').values({ token }).returning('id').executeTakeFirstOrThrow(),
  );
  return Number(numbered.id);
}
