/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Pay down → nothing is saved (the caller gets 503 +
 * Retry-After); slow → in doubt until it answers. Save fails after the payment went through → a PaymentCompensationRequested
 * event (outbox) asks pay to refund; the process killed in between → the order is saved after
 * restart (see service-kit's paidOrders): no paid-but-missing order is left behind.
 */
import { assignedIds, type PaidOrders, paidOrders } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PayPort } from '../pay-port.ts';
import { orderNumbers, orders } from '../tables.ts';

/** Defined once per process, in setup: orders paid but not saved are resumed from its rows. */
export function orderPlacing(ctx: OrderContext, pay: PayPort): PaidOrders<OrderRequest, Order> {
  return paidOrders(ctx, {
    name: 'placeOrder',
    number: () => numberOrder(ctx),
    refusalNow: () => pay.refusalNow(),
    pay: (orderNo, { itemNo, qty, customerId }, key, traceparent) =>
      pay.pay({ orderNo, itemNo, qty, customerId }, key, traceparent),
    // The order's date is the moment it was paid (the clock stays out of the domain).
    decide: (orderNo, request, paymentId) =>
      placeOrder(orderNo, request, paymentId, new Date().toISOString()),
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
