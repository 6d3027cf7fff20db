/** The cancel saga's view of coupon and payment: one call each, under the step's idempotency key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';

export interface Reclaim {
  readonly orderId: number;
  readonly paymentId: number | null;
  readonly deliveryId: number | null;
  readonly customerId: string | null;
}

export interface PaymentCancel {
  readonly orderId: number;
  readonly paymentId: number | null;
  /** The customer cancelling, when payment must check the rental is theirs (no delivery known yet). */
  readonly customerId: string | null;
}

export interface CouponPort {
  /** Resolves with the CouponCancellation's id; rejects with the http-client's errors. */
  reclaim(request: Reclaim, idempotencyKey: string, traceparent?: string): Promise<number>;
}

export interface PaymentCancelled {
  readonly paymentCancellationId: number;
  readonly paymentId: number;
}

export interface PaymentPort {
  /** Resolves with the PaymentCancellation; rejects with the http-client's errors. */
  cancel(request: PaymentCancel, idempotencyKey: string, traceparent?: string): Promise<PaymentCancelled>;
}

const defined = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null && v !== undefined));

export function couponOverHttp(client: HttpClient): CouponPort {
  return {
    reclaim: (request, key, traceparent) =>
      postForId(
        client,
        '/couponCancellations',
        defined({ ...request, status: 'deliveryCancel' }),
        key,
        traceparent,
      ),
  };
}

export function paymentOverHttp(client: HttpClient): PaymentPort {
  return {
    async cancel(request, idempotencyKey, traceparent) {
      const res = await client.request<{ id: number; paymentId: number }>({
        method: 'POST',
        path: '/paymentCancellations',
        body: defined({ ...request }),
        idempotencyKey,
        traceparent,
      });
      return { paymentCancellationId: res.body.id, paymentId: res.body.paymentId };
    },
  };
}
