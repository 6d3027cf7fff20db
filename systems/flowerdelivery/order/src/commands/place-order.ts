/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Payment down → nothing is saved (the caller gets 503).
 * Saved fails after payment went through → a PaymentCompensationRequested event (outbox) asks
 * payment to refund, so no paid-but-missing order is left behind (see placePaidOrder).
 */
import { placePaidOrder } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PaymentPort } from '../payment-port.ts';
import { orders } from '../tables.ts';

export function placeOrderCommand(
  ctx: OrderContext,
  payment: PaymentPort,
  request: OrderRequest,
  traceparent?: string,
): Promise<Order> {
  return placePaidOrder(
    ctx,
    {
      number: () => numberOrder(ctx),
      pay: (orderId, token) => payment.pay({ orderId, ...request }, token, traceparent),
      decide: (orderId, paymentId) => placeOrder(orderId, request, paymentId),
      save: (trx, order) => orders.insert(trx, order),
      compensation: (orderId, paymentId) => ({
        type: 'PaymentCompensationRequested' as const,
        data: { orderId, paymentId, reason: 'order could not be saved after payment' },
      }),
      toNewEvent,
    },
    traceparent,
  );
}

/**
 * Order numbers are handed out before paying: the payment must name the order. They come from
 * blocks (no commit per order); the first block starts after every number the older
 * one-row-per-number table handed out, so no number is ever given twice.
 */
function numberOrder(ctx: OrderContext): Promise<number> {
  return idBlocks(ctx.store, 'order', {
    floor: async (db) => {
      const { max } = await db
        .selectFrom('order_numbers')
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirstOrThrow();
      return Number(max ?? 0) + 1;
    },
  }).next();
}
