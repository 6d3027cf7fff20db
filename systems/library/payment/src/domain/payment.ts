/**
 * The Payment aggregate: what a member paid for one reservation, and its refund. Its id is the
 * rental's (as the seed's rental set it: `payment.setId(this.id)`), so `GET /payments/{rentalId}`
 * finds it and a retried sync call for the same rental finds the payment it made. Pure.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { EventPayloads, LibraryEvent, PayStatus, RentalLine } from '../../../events.ts';

export type RefundReason = EventPayloads['PaymentRefunded']['reason'];

export interface Payment {
  readonly id: number;
  readonly memberId: string;
  readonly bookId: number;
  /** The seed's field: what was paid for (a reservation). */
  readonly reqState: 'reserve';
  readonly payStatus: PayStatus;
  readonly refundReason: RefundReason | null;
}

type PaymentDecision = Decision<Payment, LibraryEvent>;

const lineOf = (p: Payment): RentalLine => ({ rentalId: p.id, memberId: p.memberId, bookId: p.bookId });

export function pay(line: RentalLine): PaymentDecision {
  const payment: Payment = {
    id: line.rentalId,
    memberId: line.memberId,
    bookId: line.bookId,
    reqState: 'reserve',
    payStatus: 'Paid',
    refundReason: null,
  };
  return accept(payment, [
    { type: 'Paid', data: { ...line, id: payment.id, reqState: 'reserve', payStatus: 'Paid' } },
  ]);
}

export function refund(payment: Payment, reason: RefundReason): PaymentDecision {
  if (payment.payStatus === 'Refunded') {
    return refuse('PAYMENT.ALREADY_REFUNDED', `payment ${payment.id} is already refunded`);
  }
  return accept({ ...payment, payStatus: 'Refunded', refundReason: reason }, [
    { type: 'PaymentRefunded', data: { ...lineOf(payment), id: payment.id, payStatus: 'Refunded', reason } },
  ]);
}
