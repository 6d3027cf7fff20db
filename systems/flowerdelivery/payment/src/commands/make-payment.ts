/**
 * Pay for an order. Idempotent on the Idempotency-Key: a retried call gets the payment the
 * first call made, and no second Paid event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { PaymentContext } from '../config.ts';
import { type PaidLine, type Payment, pay } from '../domain/payment.ts';
import { payments } from '../tables.ts';
import { loadPayment } from './load-payment.ts';

export async function makePaymentCommand(
  ctx: PaymentContext,
  line: PaidLine,
  idempotencyKey: string,
  traceparent?: string,
): Promise<{ payment: Payment; replayed: boolean }> {
  if (ctx.config.PAYMENT_DELAY_MS > 0) await sleep(ctx.config.PAYMENT_DELAY_MS);
  if (ctx.config.PAYMENT_FAIL)
    throw new UnavailableError('PAYMENT.UNAVAILABLE', 'payment is failing (PAYMENT_FAIL)', 1);
  return againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const existing = await loadPayment(trx, { idempotencyKey });
      if (existing) return { payment: existing, replayed: true };
      const id = await payments.insert(trx, { ...line, idempotencyKey, paymentStatus: 'Paid' });
      const { state, events } = decided(pay(id, line));
      await record(events.map(toNewEvent));
      return { payment: state, replayed: false };
    }, traceparent),
  );
}
