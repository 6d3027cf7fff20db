/**
 * Pay for a reservation. Idempotent on the rental: the payment's id is the rental's, so a
 * retried call (same rental) gets the payment the first call made, and no second Paid event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import { type RentalLine, toNewEvent } from '../../../events.ts';
import type { PaymentContext } from '../config.ts';
import { type Payment, pay } from '../domain/payment.ts';
import { payments } from '../tables.ts';

export async function makePaymentCommand(
  ctx: PaymentContext,
  line: RentalLine,
  traceparent?: string,
): Promise<Payment> {
  if (ctx.config.PAYMENT_DELAY_MS > 0) await sleep(ctx.config.PAYMENT_DELAY_MS);
  return againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const existing = await payments.load(trx, line.rentalId);
      if (existing) return replayed(existing, line);
      const { state, events } = decided(pay(line));
      await payments.insert(trx, state);
      await record(events.map(toNewEvent));
      return state;
    }, traceparent),
  );
}

/** The same rental asked again: the first answer. Another member or book under its id: a conflict. */
function replayed(existing: Payment, line: RentalLine): Payment {
  if (existing.memberId === line.memberId && existing.bookId === line.bookId) return existing;
  throw new ConflictError(
    'PAYMENT.RENTAL_PAID',
    `rental ${line.rentalId} is already paid for book ${existing.bookId} by member ${existing.memberId}`,
  );
}
