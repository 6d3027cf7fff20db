/**
 * A callee's bulkhead is set from its settings: `<NAME>_MAX_CONCURRENT` calls at once, then
 * `<NAME>_MAX_QUEUE` waiting for one, then refused at once (DEPENDENCY.BUSY) without a call.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createHttpClient, DEFAULT_MAX_CONCURRENT, DEFAULT_MAX_QUEUE } from '@bounded/http-client';
import { Value } from '@sinclair/typebox/value';
import { calleeClient, calleeConfig } from '../src/sync-callee.ts';

describe('a callee from its settings', () => {
  let server: Server;
  let url: string;
  /** Answers held until released: calls in flight stay in flight. */
  const held: (() => void)[] = [];
  let received = 0;

  before(async () => {
    server = createServer((_req, res) => {
      received++;
      held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function clientWith(settings: Record<string, string>) {
    const schema = calleeConfig('payment', url);
    const config = Value.Convert(schema, Value.Default(schema, { ...settings }));
    return calleeClient({ config, httpClient: createHttpClient } as never, 'payment');
  }

  async function untilReceived(n: number): Promise<void> {
    while (received < n) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  it('defaults to the http client bulkhead: 64 at once, none waiting', () => {
    const schema = calleeConfig('payment', url);
    const config = Value.Default(schema, {}) as Record<string, unknown>;
    assert.equal(config.PAYMENT_MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT);
    assert.equal(config.PAYMENT_MAX_QUEUE, DEFAULT_MAX_QUEUE);
    assert.equal(Value.Check(schema, { ...config, PAYMENT_MAX_CONCURRENT: 0 }), false, 'at least one call');
  });

  it('PAYMENT_MAX_CONCURRENT=1: a second call is refused at once, before it is made', async () => {
    const client = clientWith({ PAYMENT_MAX_CONCURRENT: '1' });
    const start = received;
    const first = client.request({ method: 'POST', path: '/payments', body: {} });
    await untilReceived(start + 1);
    assert.equal(client.refusalNow()?.code, 'DEPENDENCY.BUSY');
    await assert.rejects(client.request({ method: 'POST', path: '/payments', body: {} }), {
      code: 'DEPENDENCY.BUSY',
    });
    assert.equal(received, start + 1, 'the refused call never reached the callee');
    held.shift()!();
    assert.equal((await first).status, 200);
    assert.equal(client.refusalNow(), undefined);
    await client.close();
  });

  it('PAYMENT_MAX_QUEUE=1: a second call waits for the first, a third is refused', async () => {
    const client = clientWith({ PAYMENT_MAX_CONCURRENT: '1', PAYMENT_MAX_QUEUE: '1' });
    const start = received;
    const first = client.request({ method: 'POST', path: '/payments', body: {} });
    await untilReceived(start + 1);
    assert.equal(client.refusalNow(), undefined, 'a place in the queue is free');
    const second = client.request({ method: 'POST', path: '/payments', body: {} });
    assert.equal(client.refusalNow()?.code, 'DEPENDENCY.BUSY');
    await assert.rejects(client.request({ method: 'POST', path: '/payments', body: {} }), {
      code: 'DEPENDENCY.BUSY',
    });
    assert.equal(received, start + 1, 'the queued call waits for the first');
    held.shift()!();
    assert.equal((await first).status, 200);
    await untilReceived(start + 2);
    held.shift()!();
    assert.equal((await second).status, 200);
    await client.close();
  });
});
