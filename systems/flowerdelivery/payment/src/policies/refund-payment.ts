/**
 * Whenever an order is cancelled or rejected, or the order service could not save a paid order,
 * the payment is refunded and PaymentCancelled announced. Refunding twice is a no-op.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { loadPayment } from '../commands/load-payment.ts';
import { type RefundReason, refund } from '../domain/payment.ts';
import { type PaymentTables, payments } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function refundFor(
  trx: Kysely<PaymentTables>,
  record: RecordEvents,
  by: { id: number } | { orderId: number },
  reason: RefundReason,
): Promise<void> {
  const payment = await loadPayment(trx, by, { lock: true });
  if (!payment) return; // never paid: nothing to give back
  const decision = refund(payment, reason);
  if (!decision.ok) return; // already refunded
  await payments.update(trx, payment.id, { paymentStatus: 'Refunded' });
  await record(decision.events.map(toNewEvent));
}

export const refundPayment = {
  OrderCancelled: (event: Event, trx: Kysely<PaymentTables>, record: RecordEvents) =>
    refundFor(trx, record, { orderId: orderIdOf(event) }, 'OrderCancelled'),
  OrderRejected: (event: Event, trx: Kysely<PaymentTables>, record: RecordEvents) =>
    refundFor(trx, record, { orderId: orderIdOf(event) }, 'OrderRejected'),
  PaymentCompensationRequested: (event: Event, trx: Kysely<PaymentTables>, record: RecordEvents) =>
    refundFor(
      trx,
      record,
      { id: payloadOf('PaymentCompensationRequested', event.data).paymentId },
      'Compensation',
    ),
};
