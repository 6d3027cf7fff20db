/**
 * Rent a car: number the rental, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Payment down → nothing is saved (503 + Retry-After); slow → in doubt until it answers.
 * Save fails after the payment went through → a PaymentCompensationRequested event (outbox)
 * asks payment to refund; the process killed in between → the rental is saved after restart (see
 * service-kit's paidOrders): no paid-but-missing rental is left behind.
 */
import { type PaidOrders, paidOrders } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, placeRental, type RentalRequest } from '../domain/order.ts';
import type { PaymentPort } from '../payment-port.ts';
import { orders } from '../resources.ts';

/** Defined once per process, in setup: rentals paid but not saved are resumed from its rows. */
export function rentalPlacing(ctx: OrderContext, payment: PaymentPort): PaidOrders<RentalRequest, Order> {
  return paidOrders(ctx, {
    name: 'placeRental',
    // Rental numbers come from blocks reserved in the order's database: no commit per rental.
    number: () => idBlocks(ctx.store, 'order').next(),
    refusalNow: () => payment.refusalNow(),
    pay: (orderId, request, key, traceparent) => payment.pay({ orderId, ...request }, key, traceparent),
    decide: (orderId, request, paymentId) => placeRental(orderId, request, paymentId),
    save: (trx, order) => orders.insert(trx, order),
    compensation: (orderId, paymentId) => ({
      type: 'PaymentCompensationRequested' as const,
      data: { orderId, paymentId, reason: 'rental could not be saved after payment' },
    }),
    toNewEvent,
  });
}
