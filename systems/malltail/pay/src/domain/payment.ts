/** The Payment aggregate: one order's payment, and its refund (결제취소). Pure. */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { EventPayloads, MalltailEvent } from '../../../events.ts';

export const PAY_STATUSES = ['Paid', 'Refunded'] as const;
export type PayStatus = (typeof PAY_STATUSES)[number];
export type RefundReason = EventPayloads['PaymentCanceled']['reason'];

export interface PayRequest {
  readonly orderNo: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface Payment extends PayRequest {
  readonly id: number;
  readonly paystatus: PayStatus;
}

export function pay(id: number, request: PayRequest): Decision<Payment, MalltailEvent> {
  if (request.qty < 1) return refuse('PAYMENT.INVALID_QTY', 'qty must be at least 1');
  const payment: Payment = { id, ...request, paystatus: 'Paid' };
  const { orderNo, itemNo, qty, customerId } = request;
  return accept(payment, [
    {
      type: 'OrderPaid',
      data: { id, orderId: orderNo, orderNo, itemNo, qty, customerId, paystatus: 'Paid' },
    },
  ]);
}

export function refund(payment: Payment, reason: RefundReason): Decision<Payment, MalltailEvent> {
  if (payment.paystatus === 'Refunded')
    return refuse('PAYMENT.ALREADY_REFUNDED', `payment ${payment.id} is already refunded`);
  return accept({ ...payment, paystatus: 'Refunded' }, [
    {
      type: 'PaymentCanceled',
      data: {
        id: payment.id,
        orderId: payment.orderNo,
        orderNo: payment.orderNo,
        paystatus: 'Refunded',
        reason,
      },
    },
  ]);
}
