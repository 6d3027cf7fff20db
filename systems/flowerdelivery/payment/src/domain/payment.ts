/** The Payment aggregate: a paid amount for one order, and its refund (강제취소). Pure. */

import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { EventPayloads, FlowerEvent, OrderLine } from '../../../events.ts';

export type PaymentStatus = 'Paid' | 'Refunded';
export type RefundReason = EventPayloads['PaymentCancelled']['reason'];

/** What is paid for: an order line with its price (a payment without one is refused). */
export interface PaidLine extends OrderLine {
  readonly itemPrice: number;
}

export interface Payment extends PaidLine {
  readonly id: number;
  readonly paymentStatus: PaymentStatus;
}

export function pay(id: number, line: PaidLine): Decision<Payment, FlowerEvent> {
  if (line.qty < 1) return refuse('PAYMENT.INVALID_QTY', 'qty must be at least 1');
  const payment: Payment = { id, ...line, paymentStatus: 'Paid' };
  return accept(payment, [{ type: 'Paid', data: { ...line, id, paymentStatus: 'Paid' } }]);
}

export function refund(payment: Payment, reason: RefundReason): Decision<Payment, FlowerEvent> {
  if (payment.paymentStatus === 'Refunded') {
    return refuse('PAYMENT.ALREADY_REFUNDED', `payment ${payment.id} is already refunded`);
  }
  return accept({ ...payment, paymentStatus: 'Refunded' }, [
    {
      type: 'PaymentCancelled',
      data: { id: payment.id, orderId: payment.orderId, paymentStatus: 'Refunded', reason },
    },
  ]);
}
