/** The rental's view of payment: one call, with the rental's token as idempotency key. */
import type { HttpClient } from '@bounded/http-client';
import { postForId } from '@bounded/service-kit';
import type { RentalLine } from '../../events.ts';

export interface PaymentPort {
  /** Resolves with the payment id; rejects with a 503-shaped error when payment cannot answer. */
  pay(line: RentalLine, idempotencyKey: string, traceparent?: string): Promise<{ paymentId: number }>;
  /** The refusal a call would meet now without reaching payment (its client's bulkhead full, breaker open). */
  refusalNow(): Error | undefined;
}

export function paymentOverHttp(client: HttpClient): PaymentPort {
  return {
    refusalNow: () => client.refusalNow(),
    async pay(line, idempotencyKey, traceparent) {
      return { paymentId: await postForId(client, '/payments', line, idempotencyKey, traceparent) };
    },
  };
}
