/** A sync call that creates something on the callee and answers its id (`{ id }`, Spring's body). */
import type { HttpClient } from '@bounded/http-client';

/**
 * POSTs `body` to `path` with the idempotency key, so a retried call creates nothing twice.
 * Resolves with the created id; rejects with a 503-shaped error when the callee cannot answer.
 */
export async function postForId(
  client: HttpClient,
  path: string,
  body: unknown,
  idempotencyKey: string,
  traceparent?: string,
): Promise<number> {
  const res = await client.request<{ id: number }>({
    method: 'POST',
    path,
    body,
    idempotencyKey,
    traceparent,
  });
  return res.body.id;
}
