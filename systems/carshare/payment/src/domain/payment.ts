/** The Payment aggregate: one rental's payment (seed: OrderApproved) and its cancellation (a refund). Pure. */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { CarshareEvent, PaymentCancelReason } from '../../../events.ts';

export type PaymentStatus = 'OrderApproved' | 'Cancelled';

export interface PaymentRequest {
  readonly orderId: number;
  readonly productId: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface Payment extends PaymentRequest {
  readonly id: number;
  readonly status: PaymentStatus;
}

type PaymentDecision = Decision<Payment, CarshareEvent>;

export function pay(id: number, request: PaymentRequest): PaymentDecision {
  const payment: Payment = { id, ...request, status: 'OrderApproved' };
  return accept(payment, [{ type: 'Paid', data: { id, ...request, status: 'OrderApproved' } }]);
}

/** Cancels (refunds) the payment; `cancellationId` is the PaymentCancellation that asked, if any. */
export function cancelPayment(
  payment: Payment,
  cancellationId: number | null,
  reason: PaymentCancelReason,
): PaymentDecision {
  if (payment.status === 'Cancelled')
    return refuse('PAYMENT.ALREADY_CANCELLED', `payment ${payment.id} is already cancelled`);
  return accept({ ...payment, status: 'Cancelled' }, [
    {
      type: 'PaymentCanceled',
      data: {
        id: payment.id,
        orderId: payment.orderId,
        paymentCancellationId: cancellationId,
        status: 'Cancelled',
        reason,
      },
    },
  ]);
}

/** Who may cancel: the payment must be the rental's (and the customer's, when one is named). */
export function mayCancel(
  payment: Payment,
  request: { orderId: number; paymentId?: number; customerId?: string },
): boolean {
  if (payment.orderId !== request.orderId) return false;
  if (request.paymentId !== undefined && payment.id !== request.paymentId) return false;
  return request.customerId === undefined || payment.customerId === request.customerId;
}
