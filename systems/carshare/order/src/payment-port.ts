/** The order's view of payment: one call, with the rental's token as idempotency key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';

export interface PaymentRequest {
  readonly orderId: number;
  readonly productId: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface PaymentPort {
  /** Resolves with the payment id; rejects with a 503-shaped error when payment cannot answer. */
  pay(request: PaymentRequest, idempotencyKey: string, traceparent?: string): Promise<{ paymentId: number }>;
  /** The refusal a call would meet now without reaching payment (its client's bulkhead full, breaker open). */
  refusalNow(): Error | undefined;
}

export function paymentOverHttp(client: HttpClient): PaymentPort {
  return {
    refusalNow: () => client.refusalNow(),
    async pay(request, idempotencyKey, traceparent) {
      // The seed's body: the payment's status is OrderApproved (the payment service sets it).
      const body = { ...request, status: 'OrderApproved' };
      return { paymentId: await postForId(client, '/payments', body, idempotencyKey, traceparent) };
    },
  };
}
