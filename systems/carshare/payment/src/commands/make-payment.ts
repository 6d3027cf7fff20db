/**
 * Pay for a rental (the order's sync call). Idempotent on the Idempotency-Key: a retried call
 * gets the payment the first call made, and no second Paid event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { PaymentContext } from '../config.ts';
import { type Payment, type PaymentRequest, pay } from '../domain/payment.ts';
import { payments } from '../resources.ts';

export async function makePaymentCommand(
  ctx: PaymentContext,
  request: PaymentRequest,
  idempotencyKey: string,
  traceparent?: string,
): Promise<Payment & { idempotencyKey: string }> {
  if (ctx.config.PAYMENT_DELAY_MS > 0) await sleep(ctx.config.PAYMENT_DELAY_MS);
  return againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const existing = await payments.loadBy(trx, 'idempotencyKey', idempotencyKey);
      if (existing) return existing;
      const id = await payments.insert(trx, { ...request, idempotencyKey, status: 'OrderApproved' });
      const { state, events } = decided(pay(id, request));
      await record(events.map(toNewEvent));
      return { ...state, idempotencyKey };
    }, traceparent),
  );
}
