import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import {
  buildApp,
  eventLoopDelayProbe,
  installLoadShedding,
  type LoopDelay,
  shedReason,
} from '../src/index.ts';

describe('load shedding (a bound on requests in progress)', () => {
  const app = buildApp({ name: 'shedder', logger: false, maxInFlight: 2 });
  const releases: Array<() => void> = [];
  let base = '';
  app.get('/slow', async () => {
    await new Promise<void>((resolve) => releases.push(resolve));
    return { done: true };
  });
  app.get('/fast', async () => ({ fast: true }));

  before(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(() => app.close());

  const untilHeld = async (n: number) => {
    while (releases.length < n) await new Promise((r) => setTimeout(r, 5));
  };

  it('refuses past the bound with 503 + Retry-After and the error shape, lets in again once one ends', async () => {
    const held = [fetch(`${base}/slow`), fetch(`${base}/slow`)];
    await untilHeld(2);
    const refused = await fetch(`${base}/fast`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    const body = (await refused.json()) as { code: string; path: string; status: number };
    assert.equal(body.code, 'SERVICE.OVERLOADED');
    assert.equal(body.path, '/fast');
    assert.equal(body.status, 503);

    releases.shift()!();
    assert.equal((await held[0]).status, 200);
    assert.equal((await fetch(`${base}/fast`)).status, 200, 'a place was freed');
    releases.shift()!();
    assert.equal((await held[1]).status, 200);
  });

  it('answers probes and metrics while full', async () => {
    const held = [fetch(`${base}/slow`), fetch(`${base}/slow`)];
    await untilHeld(2);
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    assert.equal((await fetch(`${base}/health/ready`)).status, 200);
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
    for (const release of releases.splice(0)) release();
    await Promise.all(held);
  });

  it('frees the place of a request whose client went away before the answer', async () => {
    const gone = http.get(`${base}/slow`);
    gone.on('error', () => {});
    await untilHeld(1);
    const closed = new Promise((resolve) => gone.on('close', resolve));
    gone.destroy();
    await closed;
    // Its handler still waits (never released), but its place is free: with one more held, a
    // request still fits — were the abandoned one counted, the bound of 2 would refuse it.
    const held = fetch(`${base}/slow`);
    await untilHeld(2);
    for (let i = 0; i < 100 && (await fetch(`${base}/fast`)).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await fetch(`${base}/fast`)).status, 200, 'the abandoned request no longer counts');
    for (const release of releases.splice(0)) release();
    assert.equal((await held).status, 200);
  });
});

describe('load shedding off', () => {
  it('maxInFlight 0 and maxEventLoopDelayMs 0 let everything in', async () => {
    const app = buildApp({ name: 'unbounded', logger: false, maxInFlight: 0, maxEventLoopDelayMs: 0 });
    const releases: Array<() => void> = [];
    app.get('/slow', async () => {
      await new Promise<void>((resolve) => releases.push(resolve));
      return {};
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const held = Array.from({ length: 300 }, () => fetch(`${base}/slow`));
      while (releases.length < 300) await new Promise((r) => setTimeout(r, 5));
      for (const release of releases) release();
      assert.deepEqual(new Set((await Promise.all(held)).map((r) => r.status)), new Set([200]));
    } finally {
      await app.close();
    }
  });
});

describe('shedReason: which bound refuses', () => {
  const limits = { maxInFlight: 10, maxEventLoopDelayMs: 20, shedMinInFlight: 3 };

  it('refuses at the in-flight ceiling whatever the delay', () => {
    assert.equal(shedReason(10, 0, limits), 'in-flight');
    assert.equal(shedReason(9, 0, limits), undefined);
  });

  it('refuses on a delay past the bound once enough requests are in progress', () => {
    assert.equal(shedReason(3, 21, limits), 'loop-delay');
    assert.equal(shedReason(3, 20, limits), undefined, 'at the bound is not past it');
    assert.equal(shedReason(2, 500, limits), undefined, 'too few in progress to be their doing');
  });

  it('a zero bound is off', () => {
    assert.equal(shedReason(1_000, 0, { ...limits, maxInFlight: 0 }), undefined);
    assert.equal(shedReason(5, 1_000, { ...limits, maxEventLoopDelayMs: 0 }), undefined);
  });

  it('a floor of 0 still needs one request in progress', () => {
    assert.equal(shedReason(0, 500, { ...limits, shedMinInFlight: 0 }), undefined);
    assert.equal(shedReason(1, 500, { ...limits, shedMinInFlight: 0 }), 'loop-delay');
  });
});

describe("eventLoopDelayProbe: a timer's drift, smoothed", () => {
  /** A probe on the test's clock whose timer runs only when the test says. */
  const setup = () => {
    let t = 0;
    let tick = () => {};
    let stopped = false;
    const probe = eventLoopDelayProbe({
      intervalMs: 10,
      smoothing: 0.5,
      now: () => t,
      every: (_ms, fn) => {
        tick = fn;
        return () => {
          stopped = true;
        };
      },
    });
    /** The timer runs `ms` after its last run (10 = on time). */
    const runAfter = (ms: number) => {
      t += ms;
      tick();
    };
    return { probe, runAfter, stopped: () => stopped, advance: (ms: number) => (t += ms) };
  };

  it('reads a timer on time as no delay, a late one as its lateness, smoothed', () => {
    const { probe, runAfter } = setup();
    runAfter(10);
    assert.equal(probe.current(), 0);
    runAfter(50); // 40 ms late
    assert.equal(probe.current(), 20, 'half of it (smoothing 0.5)');
    runAfter(50);
    assert.equal(probe.current(), 30);
    runAfter(10);
    assert.equal(probe.current(), 15, 'an on-time run pulls it down');
  });

  it('changes only when the timer runs, not when it is asked', () => {
    const { probe, runAfter, advance } = setup();
    runAfter(50);
    advance(500);
    assert.equal(probe.current(), 20);
    assert.equal(probe.current(), 20);
  });

  it('a swamped loop (one run a turn of 200 ms) reads as late at once', () => {
    const { probe, runAfter } = setup();
    runAfter(210);
    assert.equal(probe.current(), 100);
    runAfter(210);
    assert.equal(probe.current(), 150);
  });

  it('stop stops its timer', () => {
    const { probe, stopped } = setup();
    probe.stop();
    assert.equal(stopped(), true);
  });

  it('on a real timer it reads a loop held busy as late', async () => {
    const probe = eventLoopDelayProbe({ smoothing: 1 });
    try {
      await new Promise((r) => setTimeout(r, 30));
      const until = performance.now() + 60;
      while (performance.now() < until); // the loop held for 60 ms
      // The probe's timer runs first once the loop is free; this one is due after it.
      await new Promise((r) => setTimeout(r, 1));
      assert.ok(
        probe.current() >= 30,
        `a 60 ms block reads as at least 30 ms late (read ${probe.current()})`,
      );
    } finally {
      probe.stop();
    }
  });
});

describe('load shedding on the loop delay (an injected delay source)', () => {
  let delay = 0;
  let stopped = false;
  const loopDelay: LoopDelay = {
    current: () => delay,
    stop: () => {
      stopped = true;
    },
  };
  const app = Fastify({ logger: false });
  installLoadShedding(app, { maxInFlight: 100, maxEventLoopDelayMs: 20, shedMinInFlight: 1, loopDelay });
  const releases: Array<() => void> = [];
  app.get('/slow', async () => {
    await new Promise<void>((resolve) => releases.push(resolve));
    return { done: true };
  });
  app.get('/fast', async () => ({ fast: true }));
  app.get('/health/live', async () => ({ status: 'UP' }));
  let base = '';

  before(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    assert.equal(stopped, true, 'closing the app stops its probe');
  });

  it('refuses while the loop is late and requests are in progress, lets in once it is not', async () => {
    const held = fetch(`${base}/slow`);
    while (releases.length < 1) await new Promise((r) => setTimeout(r, 5));
    delay = 35;
    const refused = await fetch(`${base}/fast`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    const body = (await refused.json()) as { code: string; message: string };
    assert.equal(body.code, 'SERVICE.OVERLOADED');
    assert.match(body.message, /too busy/);
    assert.equal((await fetch(`${base}/health/live`)).status, 200, 'probes are never refused');

    delay = 5;
    assert.equal((await fetch(`${base}/fast`)).status, 200);
    releases.shift()!();
    assert.equal((await held).status, 200);
  });

  it('lets a request in when none is in progress, however late the loop', async () => {
    delay = 500;
    assert.equal((await fetch(`${base}/fast`)).status, 200);
    delay = 0;
  });
});
