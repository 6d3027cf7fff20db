/**
 * A member reserves a book: number the rental, pay for it (sync, through the breaker), then
 * save it with its Reserved event in one transaction. Payment down → nothing is saved (503 +
 * Retry-After); slow → in doubt until it answers. Saving fails after the payment went through → PaymentCompensationRequested
 * (outbox) has payment refund it; the process killed in between → the rental is saved after
 * restart (service-kit's paidOrders). Whether the book is free is not asked here: the book
 * service settles that by events (domain/rental.ts explains why).
 */
import { type PaidOrders, paidOrders } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { RentalContext } from '../config.ts';
import { type Rental, reserve } from '../domain/rental.ts';
import type { PaymentPort } from '../payment-port.ts';
import { rentals } from '../tables.ts';

/** Who reserves which book: what the reservation saga keeps (as JSON) until the rental is saved. */
export interface Reservation {
  readonly memberId: string;
  readonly bookId: number;
}

/** Defined once per process, in setup: rentals paid but not saved are resumed from its rows. */
export function reservations(ctx: RentalContext, payment: PaymentPort): PaidOrders<Reservation, Rental> {
  return paidOrders(ctx, {
    name: 'reserve',
    number: () => idBlocks(ctx.store, 'rental').next(),
    refusalNow: () => payment.refusalNow(),
    pay: (rentalId, { memberId, bookId }, key, traceparent) =>
      payment.pay({ rentalId, memberId, bookId }, key, traceparent),
    decide: (rentalId, { memberId, bookId }) => reserve(rentalId, memberId, bookId),
    save: (trx, rental) => rentals.insert(trx, rental),
    compensation: (rentalId, paymentId) => ({
      type: 'PaymentCompensationRequested' as const,
      data: { rentalId, paymentId, reason: 'rental could not be saved after payment' },
    }),
    toNewEvent,
  });
}
