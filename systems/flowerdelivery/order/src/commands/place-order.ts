/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Payment down → nothing is saved (the caller gets 503).
 * Saved fails after payment went through → a PaymentCompensationRequested event (outbox) asks
 * payment to refund, so no paid-but-missing order is left behind (see placePaidOrder).
 */
import { assignedIds, placePaidOrder } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PaymentPort } from '../payment-port.ts';
import { orderNumbers, orders } from '../tables.ts';

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
 * Order numbers are handed out before paying: the payment must name the order. The first block
 * starts after every number the older one-row-per-number table handed out.
 */
function numberOrder(ctx: OrderContext): Promise<number> {
  return assignedIds(ctx.store, 'order', orderNumbers).next();
}
