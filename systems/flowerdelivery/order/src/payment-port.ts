/** The order's view of payment: one call, with the order's token as idempotency key. */
import type { HttpClient, HttpResponse } from '@bounded/http-client';
import { UnavailableError } from '@bounded/kernel';
import { idFrom } from '@bounded/service-kit';
import type { OrderRequest } from './domain/order.ts';

export interface PaymentRequest extends OrderRequest {
  readonly orderId: number;
}

export interface PaymentPort {
  /** Resolves with the payment id; rejects with a 503-shaped error when payment cannot answer. */
  pay(request: PaymentRequest, idempotencyKey: string, traceparent?: string): Promise<{ paymentId: number }>;
  /** The refusal a call would meet now without reaching payment (its client's bulkhead full, breaker open). */
  refusalNow(): Error | undefined;
}

/**
 * The id of what a POST created: the body's `id` (ours answers it), else the last segment of
 * `Location` or of `_links.self.href` — Spring Data REST hides the id of an entity whose
 * repository does not expose it (a generated payment answers `{"orderId":1,…,"_links":…}` with
 * `Location: …/payments/1`). Undefined when none of the three names one.
 */
export function createdIdOf(response: Pick<HttpResponse<unknown>, 'headers' | 'body'>): number | undefined {
  const body = (response.body && typeof response.body === 'object' ? response.body : {}) as {
    id?: unknown;
    _links?: { self?: { href?: unknown } };
  };
  const fromBody = idFrom(body.id);
  if (fromBody !== undefined) return fromBody;
  const location = response.headers.location;
  for (const href of [Array.isArray(location) ? location[0] : location, body._links?.self?.href]) {
    if (typeof href !== 'string') continue;
    const path = href.split(/[?#]/)[0]!.replace(/\/+$/, '');
    const id = idFrom(decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)));
    if (id !== undefined) return id;
  }
  return undefined;
}

export function paymentOverHttp(client: HttpClient): PaymentPort {
  return {
    refusalNow: () => client.refusalNow(),
    async pay(request, idempotencyKey, traceparent) {
      const response = await client.request({
        method: 'POST',
        path: '/payments',
        // paymentStatus: a generated payment copies the request's into its Paid (ours ignores it).
        body: { ...request, paymentStatus: 'Paid' },
        idempotencyKey,
        traceparent,
      });
      const paymentId = createdIdOf(response);
      if (paymentId === undefined) {
        throw new UnavailableError(
          'PAYMENT.NO_ID',
          `payment answered ${response.status} without the id of the payment it made (no id, Location or _links.self)`,
          1,
        );
      }
      return { paymentId };
    },
  };
}
