import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHttpClient, DependencyRejectedError, DependencyUnavailableError } from '../src/index.ts';
import { type Callee, closedPort, json, rejection, sleep, startCallee } from './callee.ts';

describe('request', () => {
  let callee: Callee;
  before(async () => {
    callee = await startCallee((_req, res) => json(res, 200, { ok: true }));
  });
  after(() => callee.close());

  test('sends JSON and returns the parsed JSON answer', async () => {
    callee.handler = (req, res, body) => json(res, 201, { echo: JSON.parse(body), method: req.method });
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    const res = await client.request<{ echo: unknown; method: string }>({
      method: 'POST',
      path: '/payments',
      body: { orderId: 7, amount: 12.5 },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { echo: { orderId: 7, amount: 12.5 }, method: 'POST' });
    assert.match(String(res.headers['content-type']), /application\/json/);
    const sent = callee.requests.at(-1)!;
    assert.equal(sent.url, '/payments');
    assert.equal(sent.headers['content-type'], 'application/json');
    await client.close();
  });

  test('keeps the baseUrl path prefix', async () => {
    callee.handler = (_req, res) => json(res, 200, {});
    const client = createHttpClient({ name: 'payment', baseUrl: `${callee.baseUrl}/api/` });
    await client.request({ method: 'GET', path: '/payments/1?x=1' });
    assert.equal(callee.requests.at(-1)!.url, '/api/payments/1?x=1');
    await client.close();
  });

  test('sends the given Idempotency-Key and traceparent', async () => {
    callee.handler = (_req, res) => json(res, 200, {});
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await client.request({
      method: 'POST',
      path: '/payments',
      body: {},
      idempotencyKey: 'order-7-pay',
      traceparent,
    });
    const sent = callee.requests.at(-1)!;
    assert.equal(sent.headers['idempotency-key'], 'order-7-pay');
    assert.equal(sent.headers.traceparent, traceparent);
    await client.close();
  });

  test('generates a fresh UUID Idempotency-Key per call when none is given', async () => {
    callee.handler = (_req, res) => json(res, 200, {});
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    await client.request({ method: 'POST', path: '/payments', body: {} });
    await client.request({ method: 'POST', path: '/payments', body: {} });
    const [a, b] = callee.requests.slice(-2).map((r) => r.headers['idempotency-key']);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(String(a), uuid);
    assert.match(String(b), uuid);
    assert.notEqual(a, b);
    assert.equal(callee.requests.at(-1)!.headers.traceparent, undefined);
    await client.close();
  });

  test('reuses keep-alive connections', async () => {
    callee.handler = (_req, res) => json(res, 200, {});
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    const before = callee.connections;
    for (let i = 0; i < 20; i++) await client.request({ method: 'GET', path: '/ping' });
    // undici may open a second socket when a call follows the previous answer in the same tick
    assert.ok(callee.connections - before <= 2, `${callee.connections - before} connections for 20 calls`);
    await client.close();
  });

  test('a 4xx surfaces as DependencyRejectedError with the callee status, code, message and body', async () => {
    const answer = {
      status: 409,
      error: 'Conflict',
      message: 'order 7 is already cancelled',
      code: 'ORDER.ALREADY_CANCELLED',
    };
    callee.handler = (_req, res) => json(res, 409, answer);
    const client = createHttpClient({ name: 'order', baseUrl: callee.baseUrl });
    const { error } = await rejection(() => client.request({ method: 'PUT', path: '/orders/7/cancel' }));
    assert.ok(error instanceof DependencyRejectedError);
    assert.equal(error.status, 409);
    assert.equal(error.code, 'ORDER.ALREADY_CANCELLED');
    assert.equal(error.message, 'order 7 is already cancelled');
    assert.equal(error.dependency, 'order');
    assert.deepEqual(error.body, answer);
    await client.close();
  });

  test('a 4xx without a code gets DEPENDENCY.REJECTED; field errors are kept', async () => {
    const fields = [{ field: 'amount', message: 'must be positive' }];
    callee.handler = (_req, res) => json(res, 400, { message: 'invalid payment', fields });
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    const { error } = await rejection(() => client.request({ method: 'POST', path: '/payments', body: {} }));
    assert.ok(error instanceof DependencyRejectedError);
    assert.equal(error.status, 400);
    assert.equal(error.code, 'DEPENDENCY.REJECTED');
    assert.deepEqual(error.fields, fields);

    callee.handler = (_req, res) => {
      res.statusCode = 404;
      res.end();
    };
    const notFound = await rejection(() => client.request({ method: 'GET', path: '/payments/9' }));
    assert.ok(notFound.error instanceof DependencyRejectedError);
    assert.equal(notFound.error.status, 404);
    assert.equal(notFound.error.code, 'DEPENDENCY.REJECTED');
    assert.match(notFound.error.message, /payment rejected the request with status 404/);
    await client.close();
  });

  test('a 5xx surfaces as DependencyUnavailableError 503', async () => {
    callee.handler = (_req, res) => json(res, 500, { message: 'boom' });
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl, retryAfterSeconds: 3 });
    const { error } = await rejection(() => client.request({ method: 'GET', path: '/x' }));
    assert.ok(error instanceof DependencyUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'DEPENDENCY.UNAVAILABLE');
    assert.equal(error.calleeStatus, 500);
    assert.equal(error.retryAfterSeconds, 3);
    assert.equal(error.message, 'payment is unavailable: answered 500; retry in 3s');
    await client.close();
  });

  test('callee down (closed port) → DependencyUnavailableError 503', async () => {
    const port = await closedPort();
    const client = createHttpClient({ name: 'payment', baseUrl: `http://127.0.0.1:${port}` });
    const { error } = await rejection(() => client.request({ method: 'GET', path: '/payments/1' }));
    assert.ok(error instanceof DependencyUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'DEPENDENCY.UNAVAILABLE');
    assert.equal(error.dependency, 'payment');
    assert.equal(error.retryAfterSeconds, 1);
    assert.match(error.message, /^payment is unavailable: connection failed \(ECONNREFUSED\); retry in 1s$/);
    await client.close();
  });

  test('slow callee → DEPENDENCY.TIMEOUT within ~timeoutMs, and the request is aborted', async () => {
    callee.handler = async (_req, res) => {
      await sleep(3000);
      if (!res.destroyed) json(res, 200, {});
    };
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl, timeoutMs: 150 });
    const abortedBefore = callee.aborted;
    const { error, ms } = await rejection(() => client.request({ method: 'GET', path: '/slow' }));
    assert.ok(error instanceof DependencyUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'DEPENDENCY.TIMEOUT');
    assert.ok(ms >= 140 && ms < 400, `took ${ms} ms`);
    // The undici request was aborted (connection torn down), not left running in the background.
    await sleep(50);
    assert.equal(callee.aborted - abortedBefore, 1);
    await client.close();
  });

  test('the caller aborting is passed through, not reported as the dependency failing', async () => {
    callee.handler = async (_req, res) => {
      await sleep(1000);
      if (!res.destroyed) json(res, 200, {});
    };
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      timeoutMs: 2000,
      breaker: { consecutiveFailures: 1 },
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client went away')), 50);
    const { error, ms } = await rejection(() =>
      client.request({ method: 'GET', path: '/slow', signal: controller.signal }),
    );
    assert.equal((error as Error).message, 'client went away');
    assert.ok(ms < 500, `took ${ms} ms`);
    assert.equal(client.breakerState, 'closed');
    await client.close();
  });

  test('close() makes later calls throw', async () => {
    const client = createHttpClient({ name: 'payment', baseUrl: callee.baseUrl });
    await client.close();
    await assert.rejects(client.request({ method: 'GET', path: '/' }), /payment is closed/);
  });
});
