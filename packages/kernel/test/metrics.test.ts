import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gauge } from 'prom-client';
import { testApp } from './helpers.ts';

describe('metrics', () => {
  it('counts requests by route template, not raw URL', async () => {
    const { app } = testApp();
    app.get('/orders/:id', async (req) => ({ id: (req.params as { id: string }).id }));
    await app.inject({ method: 'GET', url: '/orders/1' });
    await app.inject({ method: 'GET', url: '/orders/2' });
    await app.inject({ method: 'GET', url: '/does-not-exist' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, /^http_requests_total\{method="GET",route="\/orders\/:id",status="200"\} 2$/m);
    assert.match(res.body, /^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    assert.match(
      res.body,
      /^http_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status="200"\} 2$/m,
    );
    assert.doesNotMatch(res.body, /\/orders\/1/);
    assert.match(res.body, /^process_cpu_seconds_total /m, 'default metrics, unprefixed');
  });

  it('keeps a registry per app, and lets other parts register their own metrics on it', async () => {
    const { app: a } = testApp();
    const { app: b } = testApp();
    assert.notEqual(a.metrics, b.metrics);
    new Gauge({ name: 'outbox_backlog', help: 'unsent outbox rows', registers: [a.metrics] }).set(3);
    await a.inject({ method: 'GET', url: '/health/live' });
    const ma = (await a.inject({ method: 'GET', url: '/metrics' })).body;
    const mb = (await b.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(ma, /^outbox_backlog 3$/m);
    assert.doesNotMatch(mb, /outbox_backlog/);
    assert.match(ma, /route="\/health\/live"/);
    assert.doesNotMatch(mb, /route="\/health\/live"/);
  });
});
