/** cleancall's view of operations: one sync call registering a request, idempotent by key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';

export interface Registration {
  readonly orderId: number;
  readonly customerId: string | null;
  readonly tel: string;
  readonly location: string;
  readonly cost: number;
}

export interface ManagePort {
  /** Resolves with operations' record id; rejects with a 503-shaped error when cleanmanage cannot answer. */
  register(registration: Registration, idempotencyKey: string, traceparent?: string): Promise<number>;
  /** The refusal a call would meet now without reaching cleanmanage (its client's bulkhead full, breaker open). */
  refusalNow(): Error | undefined;
}

export function manageOverHttp(client: HttpClient): ManagePort {
  return {
    refusalNow: () => client.refusalNow(),
    register: (registration, idempotencyKey, traceparent) =>
      postForId(client, '/cleanmanages', registration, idempotencyKey, traceparent),
  };
}
