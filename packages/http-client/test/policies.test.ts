import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type BreakerState,
  createHttpClient,
  DependencyRejectedError,
  DependencyUnavailableError,
  type HttpClient,
} from '../src/index.ts';
import { type Callee, closedPort, json, rejection, sleep, startCallee } from './callee.ts';

const fail500: Callee['handler'] = (_req, res) => json(res, 500, { message: 'down' });
const ok200: Callee['handler'] = (_req, res) => json(res, 200, { ok: true });

async function failTimes(client: HttpClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const { error } = await rejection(() => client.request({ method: 'GET', path: '/x' }));
    assert.ok(error instanceof DependencyUnavailableError);
    assert.equal(error.code, 'DEPENDENCY.UNAVAILABLE');
  }
}

function assertCircuitOpen(error: unknown): asserts error is DependencyUnavailableError {
  assert.ok(error instanceof DependencyUnavailableError, String(error));
  assert.equal(error.status, 503);
  assert.equal(error.code, 'DEPENDENCY.CIRCUIT_OPEN');
  assert.ok(error.retryAfterSeconds >= 1);
}

describe('circuit breaker', () => {
  let callee: Callee;
  before(async () => {
    callee = await startCallee(ok200);
  });
  after(() => callee.close());

  test('opens after N consecutive 5xx; then calls fail fast without reaching the callee', async () => {
    callee.handler = fail500;
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 5000 },
    });
    const states: BreakerState[] = [];
    client.onStateChange((s) => states.push(s));
    const hitsBefore = callee.hits;

    await failTimes(client, 2);
    assert.equal(client.breakerState, 'closed');
    await failTimes(client, 1);
    assert.equal(client.breakerState, 'open');
    assert.deepEqual(states, ['open']);
    assert.equal(callee.hits - hitsBefore, 3);

    for (let i = 0; i < 3; i++) {
      const { error, ms } = await rejection(() => client.request({ method: 'GET', path: '/x' }));
      assertCircuitOpen(error);
      assert.ok(ms < 50, `took ${ms} ms`);
      assert.equal(error.retryAfterSeconds, 5); // 5000 ms remaining, rounded up
      assert.equal(error.dependency, 'payment');
      assert.equal(error.message, 'payment is unavailable: circuit open; retry in 5s');
    }
    assert.equal(callee.hits - hitsBefore, 3);
    await client.close();
  });

  test('connection errors and timeouts count toward opening', async () => {
    const port = await closedPort();
    const down = createHttpClient({
      name: 'payment',
      baseUrl: `http://127.0.0.1:${port}`,
      breaker: { consecutiveFailures: 2 },
    });
    await rejection(() => down.request({ method: 'GET', path: '/' }));
    await rejection(() => down.request({ method: 'GET', path: '/' }));
    assert.equal(down.breakerState, 'open');
    assertCircuitOpen((await rejection(() => down.request({ method: 'GET', path: '/' }))).error);
    await down.close();

    callee.handler = async (_req, res) => {
      await sleep(1000);
      if (!res.destroyed) json(res, 200, {});
    };
    const slow = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      timeoutMs: 50,
      breaker: { consecutiveFailures: 2 },
    });
    for (let i = 0; i < 2; i++) {
      const { error } = await rejection(() => slow.request({ method: 'GET', path: '/' }));
      assert.equal((error as DependencyUnavailableError).code, 'DEPENDENCY.TIMEOUT');
    }
    assert.equal(slow.breakerState, 'open');
    await slow.close();
  });

  test('retryAfterSeconds is the time left until half-open, rounded up, at least 1', async () => {
    callee.handler = fail500;
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 2500 },
    });
    await failTimes(client, 1);
    assert.equal(assertOpen(await rejection(() => client.request({ method: 'GET', path: '/' }))), 3);
    await client.close();

    const short = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 200 },
    });
    await failTimes(short, 1);
    assert.equal(assertOpen(await rejection(() => short.request({ method: 'GET', path: '/' }))), 1);
    await short.close();

    function assertOpen({ error }: { error: unknown }): number {
      assertCircuitOpen(error);
      return error.retryAfterSeconds;
    }
  });

  test('after halfOpenAfterMs a single successful probe closes it; others fail fast meanwhile', async () => {
    callee.handler = fail500;
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 200 },
    });
    const states: BreakerState[] = [];
    client.onStateChange((s) => states.push(s));
    await failTimes(client, 2);
    assert.equal(client.breakerState, 'open');

    assertCircuitOpen(client.refusalNow());

    callee.handler = async (_req, res) => {
      await sleep(100);
      json(res, 200, { ok: true });
    };
    await sleep(250);
    assert.equal(client.refusalNow(), undefined, 'past its half-open time the next call is the probe');
    const hitsBefore = callee.hits;
    const probe = client.request<{ ok: boolean }>({ method: 'GET', path: '/probe' });
    assert.equal(client.breakerState, 'half-open');
    assertCircuitOpen(client.refusalNow());
    // While the probe is in flight, other calls neither reach the callee nor wait for the probe.
    const { error, ms } = await rejection(() => client.request({ method: 'GET', path: '/other' }));
    assertCircuitOpen(error);
    assert.ok(ms < 50, `took ${ms} ms`);

    const res = await probe;
    assert.equal(res.status, 200);
    assert.equal(client.breakerState, 'closed');
    assert.equal(client.refusalNow(), undefined);
    assert.equal(callee.hits - hitsBefore, 1);
    assert.deepEqual(states, ['open', 'half-open', 'closed']);

    await client.request({ method: 'GET', path: '/after' });
    assert.equal(callee.hits - hitsBefore, 2);
    await client.close();
  });

  test('a failing probe re-opens it', async () => {
    callee.handler = fail500;
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 200 },
    });
    await failTimes(client, 2);
    await sleep(250);
    const hitsBefore = callee.hits;
    await failTimes(client, 1); // the probe reaches the callee and fails
    assert.equal(callee.hits - hitsBefore, 1);
    assert.equal(client.breakerState, 'open');

    const { error, ms } = await rejection(() => client.request({ method: 'GET', path: '/x' }));
    assertCircuitOpen(error);
    assert.ok(ms < 50, `took ${ms} ms`);
    assert.equal(callee.hits - hitsBefore, 1);

    // and it stays open for another halfOpenAfterMs before the next probe
    callee.handler = ok200;
    await sleep(250);
    await client.request({ method: 'GET', path: '/x' });
    assert.equal(client.breakerState, 'closed');
    await client.close();
  });

  test('4xx answers are not failures: they never open it and they reset the consecutive count', async () => {
    callee.handler = (_req, res) => json(res, 404, { code: 'PAYMENT.NOT_FOUND', message: 'no such payment' });
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 2 },
    });
    const hitsBefore = callee.hits;
    for (let i = 0; i < 5; i++) {
      const { error } = await rejection(() => client.request({ method: 'GET', path: '/payments/1' }));
      assert.ok(error instanceof DependencyRejectedError);
      assert.equal(error.code, 'PAYMENT.NOT_FOUND');
      assert.equal(error.status, 404);
    }
    assert.equal(client.breakerState, 'closed');
    assert.equal(callee.hits - hitsBefore, 5);

    // failure, 4xx, failure: not two consecutive failures
    callee.handler = fail500;
    await failTimes(client, 1);
    callee.handler = (_req, res) => json(res, 409, { code: 'PAYMENT.CONFLICT' });
    await rejection(() => client.request({ method: 'GET', path: '/payments/1' }));
    callee.handler = fail500;
    await failTimes(client, 1);
    assert.equal(client.breakerState, 'closed');
    await client.close();
  });

  test('onStateChange returns an unsubscribe function', async () => {
    callee.handler = fail500;
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      breaker: { consecutiveFailures: 1 },
    });
    const states: BreakerState[] = [];
    const unsubscribe = client.onStateChange((s) => states.push(s));
    unsubscribe();
    await failTimes(client, 1);
    assert.equal(client.breakerState, 'open');
    assert.deepEqual(states, []);
    await client.close();
  });
});

describe('bulkhead', () => {
  let callee: Callee;
  before(async () => {
    callee = await startCallee(async (_req, res) => {
      await sleep(150);
      json(res, 200, { ok: true });
    });
  });
  after(() => callee.close());

  test('rejects calls beyond maxConcurrent with DEPENDENCY.BUSY, fast, without reaching the callee', async () => {
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      bulkhead: { maxConcurrent: 2 },
      breaker: { consecutiveFailures: 1 },
      retryAfterSeconds: 2,
    });
    const hitsBefore = callee.hits;
    const inFlight = [
      client.request({ method: 'GET', path: '/a' }),
      client.request({ method: 'GET', path: '/b' }),
    ];
    const { error, ms } = await rejection(() => client.request({ method: 'GET', path: '/c' }));
    assert.ok(error instanceof DependencyUnavailableError);
    assert.equal(error.status, 503);
    assert.equal(error.code, 'DEPENDENCY.BUSY');
    assert.equal(error.retryAfterSeconds, 2);
    assert.ok(ms < 50, `took ${ms} ms`);

    const results = await Promise.all(inFlight);
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200],
    );
    assert.equal(callee.hits - hitsBefore, 2);
    // a full bulkhead says nothing about the callee's health
    assert.equal(client.breakerState, 'closed');
    // capacity is given back
    await client.request({ method: 'GET', path: '/d' });
    await client.close();
  });

  test('refusalNow: DEPENDENCY.BUSY while every slot and the queue are taken, undefined once one is free', async () => {
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
    });
    assert.equal(client.refusalNow(), undefined);
    const first = client.request({ method: 'GET', path: '/1' });
    assert.equal(client.refusalNow(), undefined, 'the queue has room');
    const queued = client.request({ method: 'GET', path: '/2' });
    const refusal = client.refusalNow();
    assert.ok(refusal instanceof DependencyUnavailableError);
    assert.equal(refusal.code, 'DEPENDENCY.BUSY');
    assert.equal(refusal.dependency, 'payment');
    await Promise.all([first, queued]);
    assert.equal(client.refusalNow(), undefined);
    await client.close();
  });

  test('queues up to maxQueue calls, rejects beyond', async () => {
    const client = createHttpClient({
      name: 'payment',
      baseUrl: callee.baseUrl,
      bulkhead: { maxConcurrent: 1, maxQueue: 1 },
    });
    const first = client.request({ method: 'GET', path: '/1' });
    const queued = client.request({ method: 'GET', path: '/2' });
    const { error } = await rejection(() => client.request({ method: 'GET', path: '/3' }));
    assert.equal((error as DependencyUnavailableError).code, 'DEPENDENCY.BUSY');
    assert.equal((await first).status, 200);
    assert.equal((await queued).status, 200);
    await client.close();
  });
});
