/**
 * The local runner on the real system (issue "Local runner"): every process supervised by
 * `launch`, requests through the gateway with real tokens, operations through the control
 * endpoint that `npx bounded` uses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Launched, launch, platformProcesses, type SystemMap } from '@bounded/runner';
import autocannon from 'autocannon';
import { system as defaultSystem } from '../system.ts';

// A block of its own, so the test runs beside a developer's `npm start`.
// Order's payment call may wait 3 s: the rolling restart below must not be failed by a payment
// call starved of CPU on a loaded two-core machine (the breaker would then shed orders by design).
const system: SystemMap = {
  ...defaultSystem,
  basePort: 28200,
  services: defaultSystem.services.map((s) =>
    s.name === 'order' ? { ...s, env: { ...s.env, PAYMENT_TIMEOUT_MS: '3000' } } : s,
  ),
};
const AUTH_PORT = 28090;
const gateway = `http://127.0.0.1:${system.basePort}`;
const direct = (service: string) =>
  `http://127.0.0.1:${system.basePort + 1 + system.services.findIndex((s) => s.name === service)}`;

let launched: Launched;
let customer = '';
const control = (path: string, body?: unknown) =>
  fetch(`${launched.controlUrl}${path}`, {
    method:
      body === undefined && !path.includes('/processes/') ? 'GET' : path.endsWith('/logs') ? 'GET' : 'POST',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
const instances = async (service: string) =>
  (
    (await control('/status')).body.instances as Array<{
      id: string;
      pid: number;
      ready: boolean;
      restarts: number;
      url: string;
    }>
  ).filter((i) => i.id === `flowerdelivery/${service}`);

async function token(username: string): Promise<string> {
  const response = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'password',
      username,
      password: username,
      audience: 'flowerdelivery',
    }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const ORDER = {
  storeName: 'KJSHOP',
  itemName: '장미 한바구니',
  qty: 1,
  itemPrice: 50000,
  userName: 'customer1',
};

async function placeOrder(): Promise<number> {
  const response = await fetch(`${gateway}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { id: number }).id;
}

async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}

describe('the runner supervising flowerdelivery (real processes, through the gateway)', () => {
  before(async () => {
    launched = await launch({
      systems: [system],
      dataDir: mkdtempSync(join(tmpdir(), 'bounded-runner-fd-')),
      controlPort: 28000,
      logLevel: 'warn',
      sink: () => {},
      platform: platformProcesses({ authPort: AUTH_PORT }),
    });
    customer = await token('customer1');
  });
  after(async () => {
    await launched?.stop();
  });

  it('brings a service killed with -9 back, ready, within 5 s, and status counts the restart', async () => {
    const [before] = await instances('payment');
    process.kill(before.pid, 'SIGKILL');
    const killedAt = Date.now();
    const [after] = await eventually(
      async () => {
        const now = await instances('payment');
        return now[0]?.ready && now[0].pid !== before.pid && now;
      },
      'payment back',
      5000,
    );
    assert.ok(Date.now() - killedAt < 5000);
    assert.equal(after.restarts, before.restarts + 1);
    await placeOrder(); // and the sync call works again
  });

  it('keeps taking orders while ordermanagement is stopped; started again, it catches up', async () => {
    assert.equal((await control('/processes/flowerdelivery/ordermanagement/stop')).status, 200);
    assert.equal((await instances('ordermanagement')).length, 0);
    const placed = [await placeOrder(), await placeOrder(), await placeOrder()];
    assert.equal((await control('/processes/flowerdelivery/ordermanagement/start')).status, 200);
    await eventually(async () => {
      const list = (await (
        await fetch(`${direct('ordermanagement')}/ordermanagements?size=1000`)
      ).json()) as {
        _embedded: { ordermanagements: Array<{ orderId: number }> };
      };
      const seen = new Set(list._embedded.ordermanagements.map((o) => o.orderId));
      return placed.every((id) => seen.has(id));
    }, 'the store caught up');
  });

  it('scales delivery to 3 while orders flow: work spread over the replicas, no delivery created twice', async () => {
    const scaled = await control('/processes/flowerdelivery/delivery/scale', { replicas: 3 });
    assert.equal(scaled.status, 200);
    assert.equal((await instances('delivery')).filter((i) => i.ready).length, 3);
    const orders: number[] = [];
    for (let i = 0; i < 24; i++) orders.push(await placeOrder());
    const store = direct('ordermanagement');
    const copies = await eventually(async () => {
      const list = (await (await fetch(`${store}/ordermanagements?size=1000`)).json()) as {
        _embedded: { ordermanagements: Array<{ id: number; orderId: number }> };
      };
      const mine = list._embedded.ordermanagements.filter((o) => orders.includes(o.orderId));
      return mine.length === orders.length && mine;
    }, 'the store received every order');
    for (const copy of copies) {
      for (const action of ['accept', 'decorate']) {
        const response = await fetch(`${store}/ordermanagements/${copy.id}/${action}`, { method: 'POST' });
        assert.equal(response.status, 200, `${action} ${copy.id}`);
      }
    }
    const deliveries = await eventually(async () => {
      const list = (await (await fetch(`${direct('delivery')}/deliveries?size=1000`)).json()) as {
        _embedded: { deliveries: Array<{ orderId: number }> };
      };
      const mine = list._embedded.deliveries.filter((d) => orders.includes(d.orderId));
      return mine.length >= orders.length && mine;
    }, 'a delivery for every decorated order');
    await sleep(500);
    assert.equal(new Set(deliveries.map((d) => d.orderId)).size, orders.length);
    assert.equal(deliveries.length, orders.length, 'no delivery created twice');
    const perReplica = await Promise.all(
      (await instances('delivery')).map(async (i) => {
        const metrics = await (await fetch(`${i.url}/metrics`)).text();
        return Number(/events_consumed_total\{type="Decorated"\} (\d+)/.exec(metrics)?.[1] ?? 0);
      }),
    );
    assert.equal(perReplica.length, 3);
    assert.ok(
      perReplica.every((n) => n > 0),
      `every replica handled some Decorated events: ${perReplica}`,
    );
    assert.equal((await control('/processes/flowerdelivery/delivery/scale', { replicas: 1 })).status, 200);
  });

  it('restarts order rolling while 50 clients place orders through the gateway: every request succeeds', async () => {
    const [before] = await instances('order');
    const load = autocannon({
      url: `${gateway}/orders`,
      method: 'POST',
      connections: 50,
      duration: 20,
      // 50 clients at a pace the two cores sustain (as the seeds' siege run): the point is the
      // restart, not overload — under overload the breaker sheds load with 503 by design.
      overallRate: 100,
      headers: { authorization: `Bearer ${customer}`, 'content-type': 'application/json' },
      body: JSON.stringify(ORDER),
    });
    await sleep(3000);
    const restarted = await control('/processes/flowerdelivery/order/restart');
    assert.equal(restarted.status, 200);
    const result = await load;
    const [now] = await instances('order');
    assert.notEqual(now.pid, before.pid, 'a new order process serves now');
    assert.ok(result['2xx'] > 1000, `orders were placed (${result['2xx']})`);
    assert.equal(result.non2xx, 0, `no request failed: ${JSON.stringify(result.statusCodeStats)}`);
    assert.equal(result.errors, 0, 'no connection failed');
    assert.equal(result.timeouts, 0, 'no request timed out');
  });
});
