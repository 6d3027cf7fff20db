/**
 * Whenever the order service could not save a rental after its payment went through, the
 * payment is refunded and PaymentCanceled announced (the compensation of placePaidOrder).
 * Refunding twice is a no-op.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { type PolicyEvent, payloadOf, toNewEvent } from '../../../events.ts';
import { cancelPayment } from '../domain/payment.ts';
import { type PaymentTables, payments } from '../resources.ts';

type Handler = (event: PolicyEvent, trx: Kysely<PaymentTables>, record: RecordEvents) => Promise<void>;

export const refundUnsavedRental: Record<string, Handler> = {
  PaymentCompensationRequested: async (event, trx, record) => {
    const { paymentId } = payloadOf('PaymentCompensationRequested', event.data);
    const payment = await payments.load(trx, paymentId, { lock: true });
    if (!payment) return; // never paid: nothing to give back
    const decision = cancelPayment(payment, null, 'OrderNotSaved');
    if (!decision.ok) return; // already cancelled
    await payments.update(trx, payment.id, { status: decision.state.status });
    await record(decision.events.map(toNewEvent));
  },
};
