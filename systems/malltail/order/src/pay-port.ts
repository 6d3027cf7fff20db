/** The order's view of pay: one call, with the order's token as idempotency key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';

export interface PayRequest {
  readonly orderNo: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface PayPort {
  /** Resolves with the payment id; rejects with a 503-shaped error when pay cannot answer. */
  pay(request: PayRequest, idempotencyKey: string, traceparent?: string): Promise<{ paymentId: number }>;
  /** The refusal a call would meet now without reaching pay (its client's bulkhead full, breaker open). */
  refusalNow(): Error | undefined;
}

export function payOverHttp(client: HttpClient): PayPort {
  return {
    refusalNow: () => client.refusalNow(),
    async pay(request, idempotencyKey, traceparent) {
      return { paymentId: await postForId(client, '/payments', request, idempotencyKey, traceparent) };
    },
  };
}
