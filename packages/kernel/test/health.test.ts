import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testApp } from './helpers.ts';

describe('health', () => {
  it('is live until told otherwise', async () => {
    const { app } = testApp();
    const up = await app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(up.statusCode, 200);
    assert.deepEqual(up.json(), { status: 'UP' });
    app.health.setLive(false);
    const down = await app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), { status: 'DOWN' });
  });

  it('follows the ready check', async () => {
    let ready = false;
    const { app } = testApp({ ready: async () => ready });
    const down = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(down.statusCode, 503);
    assert.deepEqual(down.json(), { status: 'DOWN' });
    ready = true;
    const up = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(up.statusCode, 200);
    assert.deepEqual(up.json(), { status: 'UP' });
  });

  it('is not ready when the check throws, or when forced down for a drain', async () => {
    const { app } = testApp({
      ready: () => {
        throw new Error('store closed');
      },
    });
    assert.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 503);
    const { app: other } = testApp({ ready: () => true });
    other.health.setReady(false);
    assert.equal((await other.inject({ method: 'GET', url: '/health/ready' })).statusCode, 503);
  });

  it('keeps probes out of the logs', async () => {
    const { app, logs } = testApp();
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/health/ready' });
    await app.inject({ method: 'GET', url: '/metrics' });
    assert.deepEqual(logs, []);
    await app.inject({ method: 'GET', url: '/other' });
    assert.ok(logs.length > 0, 'other requests are logged');
  });
});
