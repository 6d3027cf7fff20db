/**
 * Whenever the customer cancels or the shop rejects an order, or the order service could not
 * save a paid order, the payment is refunded and PaymentCanceled announced (requirements 8, 13).
 * A customs rejection is NOT refunded (requirement 12): pay does not listen to it. Refunding
 * twice is a no-op.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { loadPayment } from '../commands/load-payment.ts';
import { type RefundReason, refund } from '../domain/payment.ts';
import { type PayTables, payments } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<PayTables>, record: RecordEvents) => Promise<void>;

async function refundFor(
  trx: Kysely<PayTables>,
  record: RecordEvents,
  by: { id: number } | { orderNo: number },
  reason: RefundReason,
): Promise<void> {
  const payment = await loadPayment(trx, by, { lock: true });
  if (!payment) return; // never paid: nothing to give back
  const decision = refund(payment, reason);
  if (!decision.ok) return; // already refunded
  await payments.update(trx, payment.id, { paystatus: 'Refunded' });
  await record(decision.events.map(toNewEvent));
}

export const refundPayment: Record<string, Handler> = {
  OrderCanceled: (event, trx, record) =>
    refundFor(trx, record, { orderNo: orderIdOf(event) }, 'OrderCanceled'),
  OrderRejected: (event, trx, record) =>
    refundFor(trx, record, { orderNo: orderIdOf(event) }, 'OrderRejected'),
  PaymentCompensationRequested: (event, trx, record) =>
    refundFor(
      trx,
      record,
      { id: payloadOf('PaymentCompensationRequested', event.data).paymentId },
      'Compensation',
    ),
};
