/**
 * What a service says about itself for the console: /admin/describe (routes with schemas, the
 * types its group handles, what its commands and policies recorded, positions, backlog, breakers),
 * /admin/handled (its inbox rows) and discarding a parked event.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '../src/index.ts';
import type { Tables } from './service-suite.ts';
import { shop } from './service-suite.ts';

async function until<T>(check: () => Promise<T | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a service describes itself to the console', () => {
  let service: BuiltService<Tables>;
  before(async () => {
    service = await buildService(shop, {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bounded-describe-')),
      LOG_LEVEL: 'silent',
    });
    await service.start();
  });
  after(() => service.close());

  const describeIt = async () => (await service.app.inject({ url: '/admin/describe' })).json();

  it('names its routes with their schemas, the types it handles, and what its commands and policies recorded', async () => {
    const ids: string[] = [];
    const probe = await service.context.bus.subscribe({
      topic: 'testsystem',
      group: 'describe-probe',
      handler: async (event) => {
        if (event.type === 'Ordered') ids.push(event.id);
      },
    });
    assert.equal(
      (await service.app.inject({ method: 'POST', url: '/orders', payload: { id: 'd1', qty: 1 } }))
        .statusCode,
      201,
    );
    const described = await until(async () => {
      const d = await describeIt();
      return d.reactions.Ordered?.includes('Noted') && ids.length > 0 && d;
    }, 'the policy to record Noted');
    await probe.close();
    assert.equal(described.service, 'shop');
    assert.equal(described.group, 'shop');
    assert.deepEqual(described.handles, ['Ordered']);
    assert.deepEqual([...described.publishes].sort(), ['Noted', 'Ordered']);
    assert.deepEqual(described.commands, { 'POST /orders': ['Ordered'] });
    assert.deepEqual(described.reactions, { Ordered: ['Noted'] });
    const post = described.routes.find(
      (r: { method: string; url: string }) => r.method === 'POST' && r.url === '/orders',
    );
    assert.deepEqual(post.body.required, ['id', 'qty']);
    assert.ok(
      !described.routes.some((r: { url: string }) => r.url.startsWith('/admin') || r.url === '/metrics'),
    );
    assert.deepEqual(described.calls, [{ dependency: 'payment', breaker: 'closed' }]);
    assert.equal(Object.keys(described.positions).length, 1, 'one partition handled so far');
    assert.equal(described.outboxBacklog, 0);
    const handled = (await service.app.inject({ url: `/admin/handled?ids=${ids[0]},nope` })).json().handled;
    assert.equal(handled.length, 1);
    assert.equal(handled[0].group, 'shop');
    assert.equal(handled[0].eventId, ids[0]);
    assert.ok(handled[0].handledAt > 0);
  });

  it('discards a parked event', async () => {
    await service.app.inject({ method: 'POST', url: '/orders', payload: { id: 'd13', qty: 13 } });
    const parked = await until(async () => {
      const list = (await service.app.inject({ url: '/admin/parked' })).json().parked;
      return list.length > 0 && list;
    }, 'the event to be parked');
    assert.equal((await describeIt()).parked, 1);
    const gone = await service.app.inject({ method: 'DELETE', url: `/admin/parked/${parked[0].eventId}` });
    assert.equal(gone.statusCode, 200);
    assert.equal(gone.json().outcome, 'discarded');
    assert.equal((await service.app.inject({ url: '/admin/parked' })).json().parked.length, 0);
    const again = await service.app.inject({ method: 'DELETE', url: `/admin/parked/${parked[0].eventId}` });
    assert.equal(again.statusCode, 404);
  });
});
