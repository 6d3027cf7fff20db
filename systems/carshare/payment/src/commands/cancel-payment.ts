/**
 * Cancel a rental's payment (the cancel saga's sync call from delivery: seed POST
 * /paymentCancellations). Never refunds twice: the same Idempotency-Key answers the cancellation
 * it made; a payment already cancelled by an earlier cancellation answers that one (a resumed
 * saga's retry under a new key, a second request), with no second PaymentCanceled. The payment
 * must be the rental's, and the customer's when the caller names one (else 404, as missing).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError, NotFoundError } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import type { Kysely } from 'kysely';
import { toNewEvent } from '../../../events.ts';
import type { PaymentContext } from '../config.ts';
import { cancelPayment, mayCancel } from '../domain/payment.ts';
import { type PaymentTables, paymentCancellations, payments } from '../resources.ts';

export interface CancelRequest {
  readonly orderId: number;
  readonly paymentId?: number;
  /** The customer the cancel is made for (the saga sends it for a customer's own cancel). */
  readonly customerId?: string;
}

type Cancellation = Awaited<ReturnType<typeof paymentCancellations.find>>;

export async function cancelPaymentCommand(
  ctx: PaymentContext,
  request: CancelRequest,
  idempotencyKey: string,
  traceparent?: string,
): Promise<Cancellation> {
  const { cancellation, made } = await againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const replayed = await paymentCancellations.loadBy(trx, 'idempotencyKey', idempotencyKey);
      if (replayed) return { cancellation: replayed, made: false };
      const payment = await paymentOf(trx, request);
      if (payment.status === 'Cancelled')
        return { cancellation: await earlierCancellation(trx, payment.id), made: false };
      const id = await paymentCancellations.insert(trx, {
        orderId: payment.orderId,
        paymentId: payment.id,
        customerId: payment.customerId,
        status: 'Cancelled',
        idempotencyKey,
      });
      const { state, events } = decided(cancelPayment(payment, id, 'RentalCancelled'));
      await payments.update(trx, payment.id, { status: state.status });
      await record(events.map(toNewEvent));
      return { cancellation: (await paymentCancellations.load(trx, id))!, made: true };
    }, traceparent),
  );
  // Fault injection: a new cancellation is answered late although it committed (the caller times
  // out not knowing); a replay is answered at once.
  if (made && ctx.config.PAYMENT_CANCEL_DELAY_MS > 0) await sleep(ctx.config.PAYMENT_CANCEL_DELAY_MS);
  return cancellation;
}

async function paymentOf(trx: Kysely<PaymentTables>, request: CancelRequest) {
  const payment =
    request.paymentId !== undefined
      ? await payments.load(trx, request.paymentId, { lock: true })
      : await payments.loadBy(trx, 'orderId', request.orderId, { lock: true });
  if (!payment || !mayCancel(payment, request)) {
    throw new NotFoundError('PAYMENT.NOT_FOUND', `no payment of rental ${request.orderId} to cancel`);
  }
  return payment;
}

async function earlierCancellation(trx: Kysely<PaymentTables>, paymentId: number): Promise<Cancellation> {
  const earlier = await paymentCancellations.loadBy(trx, 'paymentId', paymentId);
  if (earlier) return earlier;
  throw new ConflictError(
    'PAYMENT.ALREADY_CANCELLED',
    `payment ${paymentId} was already refunded (its rental was never saved)`,
  );
}
