import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import {
  buildApp,
  type DelaySampler,
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

/** A sampler whose worst interval the test sets, in ms; counts its resets. */
function fakeSampler() {
  const state = { maxMs: 0, count: 0, resets: 0, disabled: false };
  const sampler: DelaySampler = {
    get max() {
      return state.maxMs * 1e6;
    },
    get count() {
      return state.count;
    },
    reset() {
      state.resets++;
      state.maxMs = 0;
      state.count = 0;
    },
    disable() {
      state.disabled = true;
    },
  };
  const interval = (ms: number) => {
    state.maxMs = Math.max(state.maxMs, ms);
    state.count++;
  };
  return { sampler, state, interval };
}

describe('eventLoopDelayProbe: the sampled, smoothed delay', () => {
  const setup = () => {
    let t = 0;
    const fake = fakeSampler();
    const probe = eventLoopDelayProbe({
      resolutionMs: 10,
      windowMs: 10,
      smoothing: 0.5,
      sampler: fake.sampler,
      now: () => t,
    });
    return { probe, ...fake, advance: (ms: number) => (t += ms) };
  };

  it('reads the sampler once a window, not on every call', () => {
    const { probe, state, interval, advance } = setup();
    advance(10);
    interval(50); // 40 ms late
    assert.equal(probe.current(), 20, 'half of the first late window (smoothing 0.5)');
    assert.equal(state.resets, 1);
    interval(90);
    advance(5);
    assert.equal(probe.current(), 20, 'within the window: the last reading stands');
    assert.equal(state.resets, 1, 'and the sampler is not read');
  });

  it('counts only the lateness past the resolution, smoothed over windows', () => {
    const { probe, interval, advance } = setup();
    for (const expected of [20, 30, 35]) {
      advance(10);
      interval(50);
      assert.equal(probe.current(), expected);
    }
    advance(10);
    interval(10); // on time
    assert.equal(probe.current(), 17.5, 'an on-time window pulls it down');
    advance(10);
    interval(8); // early ticks are no lateness, not a negative one
    assert.equal(probe.current(), 8.75);
  });

  it('a window with no sample reads as no lateness', () => {
    const { probe, interval, advance } = setup();
    advance(10);
    interval(50);
    assert.equal(probe.current(), 20);
    advance(10);
    assert.equal(probe.current(), 10);
  });

  it('a reading after a long gap counts: the gap may be the loop stuck', () => {
    const { probe, interval, advance } = setup();
    advance(10);
    probe.current();
    advance(200);
    interval(210); // one run of the loop that took 200 ms
    assert.equal(probe.current(), 100);
  });

  it('stop disables the sampler', () => {
    const { probe, state } = setup();
    probe.stop();
    assert.equal(state.disabled, true);
  });

  it('on the real sampler it reads a loop held busy as late', async () => {
    const probe = eventLoopDelayProbe({ smoothing: 1 });
    try {
      await new Promise((r) => setTimeout(r, 15));
      probe.current(); // a fresh window
      await new Promise((r) => setTimeout(r, 20));
      const until = performance.now() + 60;
      while (performance.now() < until); // the loop held for 60 ms
      // Node's sampler records the late interval on its next runs: give it a few.
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(probe.current() >= 30, 'a 60 ms block reads as at least 30 ms late');
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
