/** The order's view of payment: one call, with the order's token as idempotency key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';
import type { OrderRequest } from './domain/order.ts';

export interface PaymentRequest extends OrderRequest {
  readonly orderId: number;
}

export interface PaymentPort {
  /** Resolves with the payment id; rejects with a 503-shaped error when payment cannot answer. */
  pay(request: PaymentRequest, idempotencyKey: string, traceparent?: string): Promise<{ paymentId: number }>;
}

export function paymentOverHttp(client: HttpClient): PaymentPort {
  return {
    async pay(request, idempotencyKey, traceparent) {
      return { paymentId: await postForId(client, '/payments', request, idempotencyKey, traceparent) };
    },
  };
}
