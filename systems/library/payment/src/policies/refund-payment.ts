/**
 * Whenever a rental is cancelled or rejected, or the rental service could not save a paid
 * rental, the payment is refunded and PaymentRefunded announced. Refunding twice is a no-op.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { payloadOf, rentalIdOf, toNewEvent } from '../../../events.ts';
import { type RefundReason, refund } from '../domain/payment.ts';
import { type PaymentTables, payments } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<PaymentTables>, record: RecordEvents) => Promise<void>;

async function refundFor(
  trx: Kysely<PaymentTables>,
  record: RecordEvents,
  id: number,
  reason: RefundReason,
): Promise<void> {
  const payment = await payments.load(trx, id, { lock: true });
  if (!payment) return; // never paid: nothing to give back
  const decision = refund(payment, reason);
  if (!decision.ok) return; // already refunded
  await payments.update(trx, id, { payStatus: 'Refunded', refundReason: reason });
  await record(decision.events.map(toNewEvent));
}

const refundRental =
  (reason: RefundReason): Handler =>
  (event, trx, record) =>
    refundFor(trx, record, rentalIdOf(event), reason);

export const refundPayment: Record<string, Handler> = {
  RentalCancelled: refundRental('RentalCancelled'),
  RentalRejected: refundRental('RentalRejected'),
  PaymentCompensationRequested: (event, trx, record) =>
    refundFor(trx, record, payloadOf('PaymentCompensationRequested', event.data).paymentId, 'Compensation'),
};
