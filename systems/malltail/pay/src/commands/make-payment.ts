/**
 * Pay for an order (the order's sync call). Idempotent on the Idempotency-Key: a retried call
 * gets the payment the first call made, and no second OrderPaid event.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { PayContext } from '../config.ts';
import { type Payment, type PayRequest, pay } from '../domain/payment.ts';
import { payments } from '../tables.ts';
import { loadPayment } from './load-payment.ts';

export async function makePaymentCommand(
  ctx: PayContext,
  request: PayRequest,
  idempotencyKey: string,
  traceparent?: string,
): Promise<{ payment: Payment; replayed: boolean }> {
  if (ctx.config.PAY_DELAY_MS > 0) await sleep(ctx.config.PAY_DELAY_MS);
  if (ctx.config.PAY_FAIL) throw new UnavailableError('PAYMENT.UNAVAILABLE', 'pay is failing (PAY_FAIL)', 1);
  return againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const existing = await loadPayment(trx, { idempotencyKey });
      if (existing) return { payment: existing, replayed: true };
      const id = await payments.insert(trx, { ...request, idempotencyKey, paystatus: 'Paid' });
      const { state, events } = decided(pay(id, request));
      await record(events.map(toNewEvent));
      return { payment: state, replayed: false };
    }, traceparent),
  );
}
