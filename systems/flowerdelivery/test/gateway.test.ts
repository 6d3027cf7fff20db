/**
 * flowerdelivery behind its gateway, as real processes started by the runner's `launch` (auth,
 * the five services, the gateway), with real tokens from the auth service's development set:
 * identity comes from the verified token only, and each customer sees only their own orders.
 * Ports: a copy of the system map at 18200 (auth 18090, control 18000) so the default ports
 * stay free for `npm start`.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type Launched, launch, platformProcesses, type SystemMap } from '@bounded/runner';
import { eventually, tempDir } from '@bounded/service-kit/testing';
import { system as defaultSystem } from '../system.ts';

const AUTH_PORT = 18090;
const system: SystemMap = { ...defaultSystem, basePort: 18200 };
const GATEWAY = `http://127.0.0.1:${system.basePort}`;
const seedOrder = { storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000 };

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;

describe('flowerdelivery through the gateway (real processes, real tokens)', { timeout: 60_000 }, () => {
  const dataDir = tempDir('flowerdelivery-gateway-');
  const logs: string[] = [];
  let launched: Launched | undefined;
  const tokens = {} as Record<'customer1' | 'customer2' | 'store1' | 'rider1' | 'admin', string>;

  const basic = (client: string) => `Basic ${Buffer.from(`${client}:dev-secret`).toString('base64')}`;
  const issue = async (client: string, form: Record<string, string>): Promise<string> => {
    const res = await fetch(`${GATEWAY}/oauth/token`, {
      method: 'POST',
      headers: { authorization: basic(client), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, audience: 'flowerdelivery' }),
    });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.access_token as string;
  };
  const call = (
    who: keyof typeof tokens | null,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) =>
    fetch(path.startsWith('http') ? path : `${GATEWAY}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (who: keyof typeof tokens, path: string): Promise<Json> => {
    const res = await call(who, 'GET', path);
    assert.equal(res.status, 200, `GET ${path} as ${who}`);
    return (await res.json()) as Json;
  };
  const place = async (who: 'customer1' | 'customer2', body: Json = seedOrder): Promise<Json> => {
    const res = await call(who, 'POST', '/orders', body);
    const order = (await res.json()) as Json;
    assert.equal(res.status, 201, JSON.stringify(order));
    return { ...order, location: res.headers.get('location') };
  };
  const orderIdsOf = (list: Json) => (list._embedded.orders as Json[]).map((o) => o.id as number);

  before(async () => {
    launched = await launch({
      systems: [system],
      dataDir,
      controlPort: 18000,
      logLevel: 'warn',
      sink: (id, _replica, line) => {
        logs.push(`${id} ${line}`);
        if (logs.length > 200) logs.shift();
      },
      platform: platformProcesses({ authPort: AUTH_PORT }),
    }).catch((error) => {
      console.error(logs.join('\n'));
      throw error;
    });
    const password = (username: string) => ({ grant_type: 'password', username, password: username });
    for (const user of ['customer1', 'customer2', 'store1', 'rider1'] as const) {
      tokens[user] = await issue('bounded-web', password(user));
    }
    tokens.admin = await issue('bounded-admin', { grant_type: 'client_credentials' });
  });
  after(async () => {
    await launched?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a request without a valid token with 401', async () => {
    for (const [method, path] of [
      ['GET', '/orders'],
      ['POST', '/orders'],
      ['GET', '/myPages'],
    ]) {
      const res = await call(null, method, path, method === 'POST' ? seedOrder : undefined);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(((await res.json()) as Json).code, 'AUTH.UNAUTHENTICATED');
      assert.match(String(res.headers.get('www-authenticate')), /^Bearer/);
    }
    const forged = await call(null, 'GET', '/orders', undefined, { authorization: 'Bearer not.a.jwt' });
    assert.equal(forged.status, 401);
  });

  it("the seed's examples: order → 201 + Location at the gateway, read it (HAL), MyPage, cancel → 204; admin sees it", async () => {
    const order = await place('customer1');
    assert.equal(order.userName, 'customer1', 'the customer is the token holder');
    assert.equal(order.location, `${GATEWAY}/orders/${order.id}`);
    const read = await call('customer1', 'GET', order.location);
    assert.equal(read.status, 200);
    assert.match(String(read.headers.get('content-type')), /application\/hal\+json/);
    const body = (await read.json()) as Json;
    assert.equal(body.orderStatus, 'Paid');
    assert.equal(body._links.self.href, order.location);

    const myPages = await eventually(async () => {
      const list = await json('customer1', '/myPages');
      return (list._embedded.myPages as Json[]).some((r) => r.orderId === order.id) && list;
    });
    assert.ok(myPages._links.self && myPages.page, 'a HAL collection');
    assert.ok((myPages._embedded.myPages as Json[]).every((r) => r.userName === 'customer1'));

    assert.equal((await call('admin', 'GET', `/orders/${order.id}`)).status, 200);
    assert.ok(orderIdsOf(await json('admin', '/orders?size=100')).includes(order.id));

    assert.equal((await call('customer1', 'DELETE', `/orders/${order.id}`)).status, 204);
    assert.equal((await json('customer1', `/orders/${order.id}`)).orderStatus, 'OrderCancelled');
  });

  it("customer2 can neither read nor cancel customer1's order (404), nor see it in lists or MyPage", async () => {
    const order = await place('customer1', { ...seedOrder, itemName: '안개꽃한다발' });
    const row = await eventually(
      async () => ((await json('customer1', `/myPages?orderId=${order.id}`))._embedded.myPages as Json[])[0],
    );
    for (const method of ['GET', 'DELETE']) {
      const res = await call('customer2', method, `/orders/${order.id}`);
      assert.equal(res.status, 404, method);
      assert.equal(((await res.json()) as Json).code, 'ORDER.NOT_FOUND');
    }
    assert.ok(!orderIdsOf(await json('customer2', '/orders?size=100')).includes(order.id));
    const theirs = (await json('customer2', '/myPages?size=100'))._embedded.myPages as Json[];
    assert.ok(!theirs.some((r) => r.orderId === order.id || r.userName === 'customer1'));
    assert.equal((await call('customer2', 'GET', `/myPages/${row.id}`)).status, 404);
    assert.equal((await json('customer1', `/orders/${order.id}`)).orderStatus, 'Paid', 'left alone');
  });

  it('refuses a body naming another customer with 403', async () => {
    const res = await call('customer2', 'POST', '/orders', { ...seedOrder, userName: 'customer1' });
    assert.equal(res.status, 403);
    const body = (await res.json()) as Json;
    assert.equal(body.code, 'ORDER.NOT_YOURS');
    assert.match(body.message, /customer1/);
  });

  it('a rider cannot accept an order (403); the store can', async () => {
    const order = await place('customer1', { ...seedOrder, itemName: 'for the store' });
    const copy = await eventually(
      async () =>
        (
          (await json('store1', `/ordermanagements?orderId=${order.id}`))._embedded.ordermanagements as Json[]
        )[0],
    );
    const byRider = [
      await call('rider1', 'POST', `/ordermanagements/${copy.id}/accept`),
      await call('rider1', 'PATCH', `/ordermanagements/${copy.id}`, { orderStatus: 'OrderAccepted' }),
    ];
    for (const res of byRider) {
      assert.equal(res.status, 403);
      assert.equal(((await res.json()) as Json).code, 'AUTH.FORBIDDEN');
    }
    const byStore = await call('store1', 'PATCH', `/ordermanagements/${copy.id}`, {
      orderStatus: 'OrderAccepted',
    });
    assert.equal(byStore.status, 200);
    assert.equal(((await byStore.json()) as Json).orderStatus, 'OrderAccepted');
  });

  it('ignores identity headers forged by the client', async () => {
    const victim = await place('customer1', { ...seedOrder, itemName: 'not yours' });
    const forged = { 'x-user-id': 'customer1', 'x-user-name': 'customer1', 'x-user-roles': 'admin' };
    const read = await call('customer2', 'GET', `/orders/${victim.id}`, undefined, forged);
    assert.equal(read.status, 404);
    const placed = await call('customer2', 'POST', '/orders', seedOrder, forged);
    assert.equal(placed.status, 201);
    assert.equal(((await placed.json()) as Json).userName, 'customer2');
    const list = await (await call('customer2', 'GET', '/orders?size=100', undefined, forged)).json();
    assert.ok((list._embedded.orders as Json[]).every((o) => o.userName === 'customer2'));
  });
});
