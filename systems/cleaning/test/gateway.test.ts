/**
 * cleaning behind its gateway, as real processes started by the runner's `launch` (auth, the
 * four services with the system map's env — the development cleaners cleaner1 and cleaner2 —
 * and the gateway), with real tokens from the auth service's development set: identity comes
 * from the verified token only, roles gate each actor's commands, and a customer sees none of
 * another customer's requests, history or notifications. Ports: a copy of the map at 38300
 * (auth 38398, control 38399).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SystemMap } from '@bounded/runner';
import { type BehindGateway, type Json, launchBehindGateway } from '@bounded/runner/testing';
import { eventually } from '@bounded/service-kit/testing';
import { system as defaultSystem } from '../system.ts';

// A generous sync timeout: the bursts below must not time out on a busy two-core machine.
const system: SystemMap = {
  ...defaultSystem,
  basePort: 38300,
  services: defaultSystem.services.map((s) =>
    s.name === 'cleancall' ? { ...s, env: { ...s.env, CLEANMANAGE_TIMEOUT_MS: '5000' } } : s,
  ),
};
const USERS = ['customer1', 'customer2', 'manager1', 'cleaner1', 'cleaner2'] as const;
type Who = (typeof USERS)[number];

describe('cleaning through the gateway (real processes, real tokens)', { timeout: 90_000 }, () => {
  let sys: BehindGateway<Who>;
  const call = (who: Who | null, method: string, path: string, body?: unknown) =>
    sys.call(who, method, path, body);
  const json = (who: Who, path: string) => sys.json(who, path);
  const embedded = (who: Who, path: string, plural: string) => sys.items(who, path, plural);

  before(async () => {
    sys = await launchBehindGateway(system, { basePort: 38300, users: USERS });
  });
  after(() => sys?.stop());

  it('refuses requests without a valid token (401)', async () => {
    for (const path of [
      '/cleancalls',
      '/cleanmanages',
      '/cleaners',
      '/cleanassigns',
      '/notifications',
      '/cleaningHistories',
    ]) {
      assert.equal((await call(null, 'GET', path)).status, 401, path);
    }
  });

  it("walks a request through every actor with their own token; roles gate each command; customer2 sees nothing of customer1's", async () => {
    // The development cleaners are registered; the manager sees them, a customer may not.
    const pool = await embedded('manager1', '/cleaners?sort=id', 'cleaners');
    assert.deepEqual(
      pool.map((x) => x.username),
      ['cleaner1', 'cleaner2'],
    );
    assert.equal((await call('customer1', 'GET', '/cleaners')).status, 403);
    assert.equal((await call('cleaner1', 'POST', '/cleaners', { name: 'X', tel: '010' })).status, 403);

    const placed = await call('customer1', 'POST', '/cleancalls', {
      tel: '01023221353',
      location: 'seoul',
      cost: '200000',
    });
    assert.equal(placed.status, 201);
    const request = (await placed.json()) as Json;
    assert.equal(request.customerId, 'customer1', 'identity from the token');
    assert.ok(placed.headers.get('location'));
    assert.equal(
      (await call('manager1', 'POST', '/cleancalls', { tel: '010', location: 'x', cost: 1 })).status,
      403,
    );

    // Confirmed with the cleaner idle longest (cleaner1, registered first); the customer is told.
    const confirmed = await eventually(async () => {
      const r = await json('customer1', `/cleancalls/${request.id}`);
      return r.status === 'Confirmed' && r;
    });
    assert.equal(confirmed.cleanerName, 'Kim Minjun');
    const told = await eventually(
      async () => (await embedded('customer1', `/notifications?orderId=${request.id}`, 'notifications'))[0],
    );
    assert.equal(told.kind, 'Confirmed');
    assert.equal(told.cleanerTel, '01011112222');
    const history = await eventually(
      async () =>
        (await embedded('customer1', `/cleaningHistories?orderId=${request.id}`, 'cleaningHistories'))[0],
    );
    assert.equal(history.status, 'Confirmed');

    // Isolation: customer2 sees none of it and cannot cancel it.
    assert.equal((await call('customer2', 'GET', `/cleancalls/${request.id}`)).status, 404);
    assert.equal((await call('customer2', 'DELETE', `/cleancalls/${request.id}`)).status, 404);
    assert.deepEqual(await embedded('customer2', '/cleancalls', 'cleancalls'), []);
    assert.deepEqual(await embedded('customer2', '/cleaningHistories', 'cleaningHistories'), []);
    assert.deepEqual(await embedded('customer2', '/notifications', 'notifications'), []);
    assert.equal((await call('customer2', 'GET', `/cleaningHistories/${history.id}`)).status, 404);
    assert.equal((await call('customer2', 'GET', `/notifications/${told.id}`)).status, 404);

    // Operations: the manager sees every request; a customer may not.
    const m = (await embedded('manager1', `/cleanmanages?orderId=${request.id}`, 'cleanmanages'))[0];
    assert.equal(m.status, 'Confirmed');
    assert.equal((await call('customer1', 'GET', '/cleanmanages')).status, 403);
    assert.equal(
      (await call('manager1', 'GET', `/cleancalls/${request.id}`)).status,
      200,
      'the manager sees every request',
    );

    // The cleaner sees their own assignment and completes it; the other cleaner sees none.
    assert.equal((await embedded('cleaner1', '/cleanassigns', 'cleanassigns')).length, 1);
    assert.deepEqual(await embedded('cleaner2', '/cleanassigns', 'cleanassigns'), []);
    assert.equal(
      (await call('cleaner2', 'PATCH', `/cleanassigns/${request.id}`, { status: 'Completed' })).status,
      404,
    );
    assert.equal((await call('customer1', 'POST', `/cleanassigns/${request.id}/complete`)).status, 403);
    const done = await call('cleaner1', 'PATCH', `/cleanassigns/${request.id}`, { status: 'Completed' });
    assert.equal(done.status, 200);
    await eventually(
      async () => (await json('customer1', `/cleancalls/${request.id}`)).status === 'Completed',
    );
    const cancel = await call('customer1', 'DELETE', `/cleancalls/${request.id}`);
    assert.equal(cancel.status, 409);
    assert.equal(((await cancel.json()) as Json).code, 'CLEANCALL.COMPLETED');
    const cleaner1 = (await embedded('manager1', '/cleaners?username=cleaner1', 'cleaners'))[0];
    assert.equal(cleaner1.status, 'Idle', 'completion freed cleaner1');

    // customer2 requests and cancels: their own, told to them only.
    const theirs = (await (
      await call('customer2', 'POST', '/cleancalls', { tel: '0102545145', location: 'busan', cost: 400000 })
    ).json()) as Json;
    assert.equal((await call('customer2', 'DELETE', `/cleancalls/${theirs.id}`)).status, 204);
    assert.equal((await json('customer2', `/cleancalls/${theirs.id}`)).status, 'Cancelled');
    await eventually(async () =>
      (await embedded('customer2', '/notifications', 'notifications')).some(
        (n) => n.orderId === theirs.id && n.kind === 'Cancelled',
      ),
    );
    assert.ok(
      !(await embedded('customer1', '/notifications', 'notifications')).some((n) => n.orderId === theirs.id),
    );
  });

  it("the seed's load-test body through the gateway → 400 naming location and cost", async () => {
    const res = await call('customer1', 'POST', '/cleancalls', { tel: '0101231234' });
    assert.equal(res.status, 400);
    const body = (await res.json()) as Json;
    assert.deepEqual(body.fields.map((f: Json) => f.field).sort(), ['cost', 'location']);
  });

  it('scaled to three cleanassign replicas (as `npx bounded scale cleaning/cleanassign 3`), a burst through the gateway assigns no cleaner twice', async () => {
    await sys.launched.supervisor.scale('cleaning/cleanassign', 3);
    for (let i = 0; i < 4; i++) {
      const res = await call('manager1', 'POST', '/cleaners', { name: `Extra ${i}`, tel: `0107777000${i}` });
      assert.equal(res.status, 201);
    }
    const free = (await json('manager1', '/cleaners?status=Idle')).page.totalElements as number;
    const placed = await Promise.all(
      Array.from({ length: free + 4 }, async (_, i) => {
        const res = await call('customer1', 'POST', '/cleancalls', {
          tel: '010',
          location: `floor ${i}`,
          cost: 1000,
        });
        assert.equal(res.status, 201);
        return ((await res.json()) as Json).id as number;
      }),
    );
    const ends = await Promise.all(
      placed.map((id) =>
        eventually(async () => {
          const r = await json('customer1', `/cleancalls/${id}`);
          return (r.status === 'Confirmed' || r.status === 'NoCleanerAvailable') && r;
        }, 30_000),
      ),
    );
    assert.equal(ends.filter((r) => r.status === 'Confirmed').length, free);
    assert.equal(ends.filter((r) => r.status === 'NoCleanerAvailable').length, 4);
    const live = await embedded('manager1', '/cleanassigns?status=Assigned&size=100', 'cleanassigns');
    assert.equal(new Set(live.map((a) => a.cleanerId)).size, live.length, 'no cleaner holds two assignments');
    assert.equal(live.length, free);
  });
});
