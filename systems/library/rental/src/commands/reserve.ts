/**
 * A member reserves a book: number the rental, pay for it (sync, through the breaker), then
 * save it with its Reserved event in one transaction. Payment down or slow → nothing is saved
 * (503 + Retry-After). Saving fails after the payment went through → PaymentCompensationRequested
 * (outbox) has payment refund it (placePaidOrder). Whether the book is free is not asked here:
 * the book service settles that by events (domain/rental.ts explains why).
 */
import { placePaidOrder } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { RentalContext } from '../config.ts';
import { type Rental, reserve } from '../domain/rental.ts';
import type { PaymentPort } from '../payment-port.ts';
import { rentals } from '../tables.ts';

export function reserveCommand(
  ctx: RentalContext,
  payment: PaymentPort,
  memberId: string,
  bookId: number,
  traceparent?: string,
): Promise<Rental> {
  return placePaidOrder(
    ctx,
    {
      number: () => idBlocks(ctx.store, 'rental').next(),
      pay: (rentalId, token) => payment.pay({ rentalId, memberId, bookId }, token, traceparent),
      decide: (rentalId) => reserve(rentalId, memberId, bookId),
      save: (trx, rental) => rentals.insert(trx, rental),
      compensation: (rentalId, paymentId) => ({
        type: 'PaymentCompensationRequested' as const,
        data: { rentalId, paymentId, reason: 'rental could not be saved after payment' },
      }),
      toNewEvent,
    },
    traceparent,
  );
}
