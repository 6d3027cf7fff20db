import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { createUpstreamLimit, type UpstreamLimitOptions } from '../src/upstream-limit.ts';

/**
 * The limit in an app of its own, with an upstream the test answers: each request to /s/<status>
 * is "forwarded" and answered with that status, or held until released for /s/hold. The clock
 * is the test's, so which 503s cut the bound is decided by the test, not by timing.
 */
function harness(adaptive: UpstreamLimitOptions['adaptive'], perReplica = 10) {
  let t = 0;
  const limit = createUpstreamLimit({
    perReplica,
    retryAfterSeconds: 1,
    adaptive:
      adaptive === false
        ? false
        : { minPerReplica: 2, backoff: 0.5, cutEveryMs: 100, ...adaptive, now: () => t },
  });
  const held: Array<() => void> = [];
  const app = Fastify({ logger: false });
  app.get('/s/:status', (request, reply) => {
    const { status } = request.params as { status: string };
    return limit.run('svc', 1, request, reply, async () => {
      if (status === 'hold') await new Promise<void>((resolve) => held.push(resolve));
      if (status === 'throw') throw new Error('the gateway gave up on the upstream');
      return reply.code(status === 'hold' ? 200 : Number(status)).send({});
    });
  });
  const answer = async (status: string | number) => (await app.inject(`/s/${status}`)).statusCode;
  return { limit, app, held, answer, advance: (ms: number) => (t += ms), bound: () => limit.limit('svc', 1) };
}

describe("the adaptive upstream bound (AIMD on the service's 503s)", () => {
  it('a 503 cuts the bound, at most once a window, never below its floor', async () => {
    const h = harness({});
    assert.equal(h.bound(), 10, 'starts at the ceiling');
    await h.answer(503);
    assert.equal(h.bound(), 5);
    await h.answer(503);
    assert.equal(h.bound(), 5, 'a second 503 in the same window is the same signal');
    h.advance(100);
    await h.answer(503);
    assert.equal(h.bound(), 2, '2.5 floors to 2');
    h.advance(100);
    await h.answer(503);
    assert.equal(h.bound(), 2, 'not below minPerReplica');
  });

  it('each answer served widens it by 1/bound, up to the ceiling', async () => {
    const h = harness({});
    await h.answer(503); // 5
    for (let i = 0; i < 5; i++) await h.answer(200);
    assert.equal(
      h.bound(),
      5,
      'five answers at bound 5 add just under one (each 1/bound, the bound growing)',
    );
    await h.answer(200);
    assert.equal(h.bound(), 6, 'the sixth passes it');
    for (let i = 0; i < 200; i++) await h.answer(201);
    assert.equal(h.bound(), 10, 'never past the ceiling');
  });

  it("a 4xx is an answer served; the gateway's own failures teach nothing", async () => {
    const h = harness({});
    await h.answer(503); // 5
    await h.answer(404);
    assert.ok(h.limit.limit('svc', 10) > 50, 'a 404 widened it');
    h.advance(100);
    const before = h.limit.limit('svc', 10);
    assert.equal(await h.answer('throw'), 500);
    assert.equal(await h.answer(502), 502);
    assert.equal(h.limit.limit('svc', 10), before, 'neither a thrown failure nor a 502 moves it');
  });

  it('refuses at the gateway once the cut bound is full, with 503 + Retry-After', async () => {
    const h = harness({});
    const holding = [h.app.inject('/s/hold'), h.app.inject('/s/hold')];
    while (h.held.length < 2) await new Promise((r) => setImmediate(r));
    await h.answer(503); // 10 → 5: still room
    h.advance(100);
    await h.answer(503); // 5 → 2.5 → 2: the two held fill it
    const refused = await h.app.inject('/s/200');
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.json().code, 'GATEWAY.UPSTREAM_BUSY');
    for (const release of h.held.splice(0)) release();
    assert.deepEqual(
      (await Promise.all(holding)).map((r) => r.statusCode),
      [200, 200],
    );
    assert.equal(await h.answer(200), 200, 'room again once they end');
  });

  it('scales with the ready replicas', async () => {
    const h = harness({});
    await h.answer(503);
    assert.equal(h.limit.limit('svc', 3), 15);
  });

  it('off, 503s leave the ceiling as it is', async () => {
    const h = harness(false);
    for (let i = 0; i < 5; i++) {
      await h.answer(503);
      h.advance(100);
    }
    assert.equal(h.bound(), 10);
  });
});
