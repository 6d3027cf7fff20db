import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/index.ts';

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
  it('maxInFlight 0 lets everything in', async () => {
    const app = buildApp({ name: 'unbounded', logger: false, maxInFlight: 0 });
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
