/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Payment down → nothing is saved (the caller gets 503).
 * Saving fails after payment went through → a PaymentCompensationRequested event (outbox) asks
 * payment to refund; the process killed in between → the order is saved after restart (see
 * service-kit's paidOrders): no paid-but-missing order is left behind.
 */
import { assignedIds, type PaidOrders, paidOrders } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PaymentPort } from '../payment-port.ts';
import { orderNumbers, orders } from '../tables.ts';

/** Defined once per process, in setup: orders paid but not saved are resumed from its rows. */
export function orderPlacing(ctx: OrderContext, payment: PaymentPort): PaidOrders<OrderRequest, Order> {
  return paidOrders(ctx, {
    name: 'placeOrder',
    number: () => numberOrder(ctx),
    refusalNow: () => payment.refusalNow(),
    pay: (orderId, request, key, traceparent) => payment.pay({ orderId, ...request }, key, traceparent),
    decide: (orderId, request, paymentId) => placeOrder(orderId, request, paymentId),
    save: (trx, order) => orders.insert(trx, order),
    compensation: (orderId, paymentId) => ({
      type: 'PaymentCompensationRequested' as const,
      data: { orderId, paymentId, reason: 'order could not be saved after payment' },
    }),
    toNewEvent,
  });
}

/**
 * Order numbers are handed out before paying: the payment must name the order. The first block
 * starts after every number the older one-row-per-number table handed out.
 */
function numberOrder(ctx: OrderContext): Promise<number> {
  return assignedIds(ctx.store, 'order', orderNumbers).next();
}
