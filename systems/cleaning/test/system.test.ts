/**
 * The cleaning system as real processes (one per service, embedded store and event log in a
 * temp DATA_DIR, ephemeral ports): the spec's scenarios and its fault-isolation cases. The tests
 * share one system and run in order; each leaves every cleaner it used idle again.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@bounded/service-kit/testing';
import { cleaning, type Json, SEED_BODY } from './harness.ts';

/** A webhook receiver that counts what it was sent, per Idempotency-Key, and can be down. */
async function testWebhook() {
  const received: Array<{ key: string; answered: number; body: Json }> = [];
  const hook = {
    url: '',
    up: false,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const answered = hook.up ? 200 : 503;
      received.push({
        key: String(req.headers['idempotency-key']),
        answered,
        body: JSON.parse(text) as Json,
      });
      res.writeHead(answered).end();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
  return hook;
}

describe('cleaning system (real processes)', { timeout: 180_000 }, () => {
  let c: Awaited<ReturnType<typeof cleaning>>;

  before(async () => {
    c = await cleaning('cleaning-system-');
    await c.startAll();
  });
  after(async () => {
    await c.stopAll();
  });

  it("happy path with the seed's call: Confirmed everywhere, the customer told the cleaner's name and tel; completion frees the cleaner for the next request", async () => {
    const kim = await c.registerCleaner('Kim', '01011112222', 'cleaner1');
    const lee = await c.registerCleaner('Lee', '01033334444', 'cleaner2');
    assert.equal(kim.status, 'Idle');

    const first = await c.request(); // answered Requested (the harness checks it)
    const confirmed = await c.callIs(first, (x) => x.status === 'Confirmed');
    assert.equal(confirmed.cleanerName, 'Kim', 'the cleaner idle longest first');
    assert.equal(confirmed.cleanerTel, '01011112222');
    const m = await c.manageIs(first, (x) => x.status === 'Confirmed');
    assert.equal(m.cleanerName, 'Kim');
    assert.equal(m.tel, SEED_BODY.tel);
    const told = await c.told(first, 'Confirmed');
    assert.equal(told.customerId, 'customer1');
    assert.equal(told.cleanerName, 'Kim');
    assert.equal(told.cleanerTel, '01011112222');
    assert.match(told.text, /Kim \(tel 01011112222\)/);
    await c.historyIs(first, (h) => h.status === 'Confirmed' && h.cleanerName === 'Kim' && h.cost === 200000);
    assert.equal((await c.cleaner(kim.id)).status, 'Busy');

    const second = await c.request();
    assert.equal((await c.callIs(second, (x) => x.status === 'Confirmed')).cleanerName, 'Lee');
    assert.equal((await c.cleaner(lee.id)).status, 'Busy');

    const done = await c.complete(first);
    assert.equal(done.status, 'Completed');
    assert.equal((await c.cleaner(kim.id)).status, 'Idle', 'completion frees the cleaner');
    await c.callIs(first, (x) => x.status === 'Completed');
    await c.manageIs(first, (x) => x.status === 'Completed');
    await c.historyIs(first, (h) => h.status === 'Completed');
    await c.told(first, 'Completed');
    assert.equal((await c.send('cleanassign', 'POST', `/cleanassigns/${first}/complete`)).status, 409);

    const third = await c.request();
    assert.equal(
      (await c.callIs(third, (x) => x.status === 'Confirmed')).cleanerName,
      'Kim',
      'freed, Kim takes the next',
    );
    await c.complete(second);
    await c.complete(third);
    assert.equal(await c.idleCleaners(), 2);
  });

  it('cancel after assignment: 204, the request stays readable Cancelled, the cleaner is freed, operations and the customer see it; a second cancel → 409', async () => {
    const id = await c.request();
    const confirmed = await c.callIs(id, (x) => x.status === 'Confirmed');
    const res = await c.send('cleancall', 'DELETE', `/cleancalls/${id}`);
    assert.equal(res.status, 204);
    assert.equal((await c.call(id)).status, 'Cancelled', 'still readable (history)');
    const assignment = await eventually(async () => {
      const a = await c.json('cleanassign', `/cleanassigns/${id}`);
      return a.status === 'Cancelled' && a;
    });
    assert.equal(assignment.cleanerName, confirmed.cleanerName);
    assert.equal(await c.idleCleaners(), 2, 'the cleaner is free again');
    await c.manageIs(id, (m) => m.status === 'Cancelled');
    await c.historyIs(id, (h) => h.status === 'Cancelled');
    await c.told(id, 'Cancelled');
    const again = await c.send('cleancall', 'DELETE', `/cleancalls/${id}`);
    assert.equal(again.status, 409);
    assert.equal(((await again.json()) as Json).code, 'CLEANCALL.ALREADY_CANCELLED');
  });

  it('with cleanassign down, requests are accepted and stay Requested; back up, they are Confirmed; one cancelled meanwhile ends Cancelled with its cleaner free', async () => {
    await c.stop('cleanassign');
    const kept = await c.request();
    const cancelled = await c.request();
    await c.manageIs(cancelled, (m) => m.assignmentRequested === true);
    assert.equal(await c.cancel(cancelled), 204);
    assert.equal(await c.cancel(cancelled), 409);
    await sleep(300);
    assert.equal((await c.call(kept)).status, 'Requested');
    await c.start('cleanassign');
    await c.callIs(kept, (x) => x.status === 'Confirmed');
    // cleanassign reads the request, then the cancel (their order on the log): assigned, then freed.
    await eventually(
      async () => (await c.json('cleanassign', `/cleanassigns/${cancelled}`)).status === 'Cancelled',
    );
    assert.equal((await c.call(cancelled)).status, 'Cancelled');
    await eventually(async () => (await c.idleCleaners()) === 1);
    await c.complete(kept);
  });

  it('more requests than cleaners: the surplus ends NoCleanerAvailable at once, none stuck; operations and the customer see it', async () => {
    const idle = await c.idleCleaners();
    assert.equal(idle, 2);
    const ids = await Promise.all(Array.from({ length: idle + 3 }, () => c.request()));
    const ends = await Promise.all(
      ids.map((id) => c.callIs(id, (x) => x.status === 'Confirmed' || x.status === 'NoCleanerAvailable')),
    );
    const none = ends.filter((x) => x.status === 'NoCleanerAvailable');
    assert.equal(none.length, 3);
    assert.equal(ends.filter((x) => x.status === 'Confirmed').length, idle);
    for (const x of none) {
      await c.manageIs(x.id, (m) => m.status === 'NoCleanerAvailable');
      await c.historyIs(x.id, (h) => h.status === 'NoCleanerAvailable');
      assert.match((await c.told(x.id, 'NoCleanerAvailable')).text, /request again/);
      const refused = await c.send('cleancall', 'DELETE', `/cleancalls/${x.id}`);
      assert.equal(refused.status, 409);
    }
    for (const x of ends.filter((e) => e.status === 'Confirmed')) assert.equal(await c.cancel(x.id), 204);
    await eventually(async () => (await c.idleCleaners()) === idle);
  });

  it('with cleanmanage down: 503 + Retry-After, nothing kept; slow, the breaker opens and answers at once; back, requests succeed', async () => {
    await c.stop('cleanmanage');
    const before = (await c.json('cleancall', '/cleancalls')).page.totalElements;
    const res = await c.send('cleancall', 'POST', '/cleancalls', SEED_BODY);
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal((await c.json('cleancall', '/cleancalls')).page.totalElements, before, 'nothing kept');

    await c.start('cleanmanage', { CLEANMANAGE_DELAY_MS: '8000' }); // slower than cleancall's 5 s timeout
    let fast: Response | undefined;
    for (let i = 0; i < 5 && !fast; i++) {
      const t0 = Date.now();
      const r = await c.send('cleancall', 'POST', '/cleancalls', SEED_BODY);
      assert.equal(r.status, 503);
      if (((await r.clone().json()) as Json).code === 'DEPENDENCY.CIRCUIT_OPEN') {
        assert.ok(Date.now() - t0 < 300, 'an open breaker answers at once');
        fast = r;
      }
    }
    assert.ok(fast, 'the breaker opened');
    assert.ok(Number(fast.headers.get('retry-after')) >= 1);
    assert.equal((await c.json('cleancall', '/cleancalls')).page.totalElements, before, 'still nothing kept');
    await c.stop('cleanmanage');
    await c.start('cleanmanage');
    const id = await eventually(async () => {
      const r = await c.send('cleancall', 'POST', '/cleancalls', SEED_BODY);
      return r.status === 201 ? (((await r.json()) as Json).id as number) : undefined;
    }, 10_000);
    await c.callIs(id, (x) => x.status === 'Confirmed');
    assert.equal(await c.cancel(id), 204);
  });

  it('with the notifier down nothing else is affected; back up with a webhook that is down at first, every message is delivered exactly once', async () => {
    const hook = await testWebhook();
    try {
      // What was sent before (logged) must never go to the webhook; what was pending must, once.
      const sentBefore = new Set(
        (await c.list('customer', '/notifications?status=Sent', 'notifications')).map((n) => n.messageId),
      );
      await c.stop('customer');
      const a = await c.request();
      await c.callIs(a, (x) => x.status === 'Confirmed');
      assert.equal(await c.cancel(a), 204);
      const b = await c.request();
      await c.callIs(b, (x) => x.status === 'Confirmed');
      await c.complete(b);
      await c.callIs(b, (x) => x.status === 'Completed');
      const expected = [`${a}-Confirmed`, `${a}-Cancelled`, `${b}-Confirmed`, `${b}-Completed`];

      await c.start('customer', { NOTIFY_WEBHOOK_URL: hook.url });
      await eventually(async () => hook.received.length >= 6, 20_000); // a few refused tries, with backoff
      assert.ok(hook.received.every((r) => r.answered === 503));
      hook.up = true;
      await Promise.all(expected.map((k) => c.told(Number(k.split('-')[0]), k.split('-')[1]!)));
      await sleep(1000); // any second delivery would come within a few polls
      const delivered = hook.received.filter((r) => r.answered === 200).map((r) => r.key);
      assert.equal(new Set(delivered).size, delivered.length, `no message delivered twice: ${delivered}`);
      for (const key of expected) assert.ok(delivered.includes(key), `${key} delivered`);
      assert.ok(
        hook.received.every((r) => !sentBefore.has(r.key)),
        'messages sent (logged) earlier are not sent again',
      );
      const pending = await c.list('customer', '/notifications?status=Pending', 'notifications');
      assert.deepEqual(pending, [], 'nothing left pending');
      const body = hook.received.find((r) => r.key === `${a}-Confirmed`)!.body;
      assert.equal(body.messageId, `${a}-Confirmed`);
      assert.ok(body.cleanerName && body.cleanerTel);
      const n = (await c.list('customer', `/notifications?orderId=${b}`, 'notifications')).find(
        (x) => x.kind === 'Completed',
      )!;
      assert.ok(n.attempts >= 2, 'it was retried while the webhook was down');
    } finally {
      await hook.close();
    }
  });

  it('bad input → 400 naming the fields, never a 500', async () => {
    const seedLoad = await c.send('cleancall', 'POST', '/cleancalls', { tel: '0101231234' });
    assert.equal(seedLoad.status, 400);
    const fields = ((await seedLoad.json()) as Json).fields.map((f: Json) => f.field).sort();
    assert.deepEqual(fields, ['cost', 'location']);
    for (const [body, field] of [
      [{ ...SEED_BODY, cost: -1 }, 'cost'],
      [{ ...SEED_BODY, cost: '-5' }, 'cost'],
      [{ ...SEED_BODY, cost: 1.5 }, 'cost'],
      [{ ...SEED_BODY, cost: null }, 'cost'],
      [{ ...SEED_BODY, location: 7 }, 'location'],
      [{ ...SEED_BODY, tel: 'call me' }, 'tel'],
      [{ ...SEED_BODY, location: 'x'.repeat(300) }, 'location'],
    ] as const) {
      const res = await c.send('cleancall', 'POST', '/cleancalls', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(
        ((await res.json()) as Json).fields.some((f: Json) => f.field === field),
        JSON.stringify(body),
      );
    }
    assert.equal((await c.send('cleanassign', 'POST', '/cleaners', { name: 'X' })).status, 400);
    assert.equal((await c.send('cleancall', 'GET', '/cleancalls/abc')).status, 400);
    assert.equal((await c.send('cleancall', 'DELETE', '/cleancalls/999999')).status, 404);
  });

  it('nothing parked anywhere', async () => {
    for (const name of ['cleancall', 'cleanmanage', 'cleanassign', 'customer'] as const) {
      assert.deepEqual((await c.json(name, '/admin/parked')).parked, [], `${name}: nothing parked`);
    }
  });
});
