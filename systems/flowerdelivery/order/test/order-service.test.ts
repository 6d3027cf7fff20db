import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { ADMIN, asUser, eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { sql } from 'kysely';
import { type FakePayment, fakePayment } from '../../test/helpers.ts';
import { orderService } from '../src/service.ts';
import type { OrderTables } from '../src/tables.ts';

const rose = { storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000, userName: 'LKJ' };

describe('order service', () => {
  let service: BuiltService<OrderTables>;
  let payment: FakePayment;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const post = (payload: unknown) =>
    service.app.inject({ method: 'POST', url: '/orders', payload: payload as object });
  const get = (url: string) => service.app.inject({ url });

  before(async () => {
    payment = await fakePayment();
    service = await buildService(orderService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      PAYMENT_URL: payment.url,
      PAYMENT_TIMEOUT_MS: '300',
      PAYMENT_BREAKER_FAILURES: '2',
      PAYMENT_HALF_OPEN_MS: '400',
    });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'flowerdelivery');
  });
  after(async () => {
    await probe.close();
    await service.close();
    await payment.close();
  });

  it('takes a paid order: 201 + Location, HAL body, payment called once with an Idempotency-Key, Ordered published', async () => {
    const res = await post({ ...rose, id: 999, orderStatus: 'DeliveryCompleted' });
    assert.equal(res.statusCode, 201);
    assert.match(String(res.headers['content-type']), /application\/hal\+json/);
    const body = res.json();
    assert.equal(body.id, 1, 'server-owned id ignored, numbered from 1');
    assert.equal(body.orderStatus, 'Paid');
    assert.equal(res.headers.location, body._links.self.href);
    assert.match(body._links.self.href, /\/orders\/1$/);
    assert.equal(payment.requests.length, 1);
    assert.ok(payment.requests[0]!.headers['idempotency-key']);
    assert.equal(payment.requests[0]!.body.orderId, 1);
    await eventually(async () => probe.seen.some((e) => e.type === 'Ordered' && e.key === '1'));
    const read = await get('/orders/1');
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().itemName, '장미 한바구니');
    const list = (await get('/orders')).json();
    assert.equal(list.page.totalElements, 1);
    assert.equal(list._embedded.orders[0].id, 1);
  });

  it('answers bad input with 400 naming the field and unknown ids with 404, never 500', async () => {
    for (const bad of [
      { ...rose, qty: 0 },
      { ...rose, qty: -1 },
      { ...rose, qty: '1' },
      { ...rose, qty: 1.5 },
      { ...rose, itemPrice: -5 },
      { itemName: 'x', qty: 1, itemPrice: 1, storeName: 's' },
    ]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
    }
    assert.match((await post({ ...rose, qty: 0 })).json().message, /qty/);
    assert.equal((await get('/orders/777')).statusCode, 404);
    assert.equal((await get('/orders/777')).json().code, 'ORDER.NOT_FOUND');
    assert.equal((await get('/orders/abc')).statusCode, 400);
    assert.equal((await service.app.inject({ method: 'DELETE', url: '/orders/777' })).statusCode, 404);
  });

  it('cancels with DELETE → 204: still readable as OrderCancelled, OrderCancelled published, a second cancel is 409', async () => {
    const id = (await post(rose)).json().id;
    const del = await service.app.inject({ method: 'DELETE', url: `/orders/${id}` });
    assert.equal(del.statusCode, 204);
    assert.equal((await get(`/orders/${id}`)).json().orderStatus, 'OrderCancelled');
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderCancelled' && e.key === String(id)));
    const again = await service.app.inject({ method: 'DELETE', url: `/orders/${id}` });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ORDER.ALREADY_CANCELLED');
  });

  it('follows the store and the rider by events, and refuses to cancel once the rider has started', async () => {
    const id = (await post(rose)).json().id;
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderAccepted', key: String(id), data: { orderId: id } },
      { type: 'Decorated', key: String(id), data: { orderId: id } },
      { type: 'DeliveryStarted', key: String(id), data: { orderId: id } },
    ]);
    await eventually(async () => (await get(`/orders/${id}`)).json().orderStatus === 'DeliveryStarted');
    const res = await service.app.inject({ method: 'DELETE', url: `/orders/${id}` });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ORDER.DELIVERY_STARTED');
    assert.match(res.json().message, /rider has already started/);
    await publish(service as BuiltService<unknown>, [
      { type: 'DeliveryCompleted', key: String(id), data: { orderId: id } },
    ]);
    await eventually(async () => (await get(`/orders/${id}`)).json().orderStatus === 'DeliveryCompleted');
  });

  it('with payment failing: 503 + Retry-After, no order row and no event; the breaker then answers fast; payment back → orders again', async () => {
    const before = (await get('/orders')).json().page.totalElements;
    const eventsBefore = probe.seen.length;
    payment.mode = 'fail';
    const first = await post(rose);
    assert.equal(first.statusCode, 503);
    assert.ok(Number(first.headers['retry-after']) >= 1);
    payment.mode = 'slow';
    const slow = await post(rose);
    assert.equal(slow.statusCode, 503);
    // The payment may have been taken: its order is in doubt until payment answers (below).
    assert.equal(slow.json().code, 'SAGA.IN_DOUBT');
    const calls = payment.requests.length;
    const t0 = Date.now();
    const open = await post(rose);
    assert.equal(open.statusCode, 503);
    assert.equal(open.json().code, 'DEPENDENCY.CIRCUIT_OPEN');
    assert.ok(Date.now() - t0 < 200, 'the open breaker answers at once');
    assert.equal(payment.requests.length, calls, 'payment not called while the breaker is open');
    assert.equal((await get('/orders')).json().page.totalElements, before, 'no order row');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(probe.seen.length, eventsBefore, 'no event');
    payment.mode = 'ok';
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await post(rose)).statusCode, 201, 'half-open probe succeeds and closes the breaker');
    // The order whose payment was in doubt is saved once payment answers again (resume loop).
    await eventually(async () => (await get('/orders')).json().page.totalElements === before + 2, 30_000);
    assert.equal((await get('/admin/sagas')).json().running.length, 0, 'no saga left running');
  });

  it('when the order cannot be saved after payment: 503 and a PaymentCompensationRequested event for the refund', async () => {
    await sql`CREATE TRIGGER fail_orders BEFORE INSERT ON orders WHEN NEW.itemName = 'BROKEN' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`.execute(
      service.context.store.db,
    );
    const res = await post({ ...rose, itemName: 'BROKEN' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'ORDER.NOT_SAVED');
    const paid = payment.requests.find((r) => r.body.itemName === 'BROKEN');
    assert.ok(paid, 'payment was made before the save failed');
    const compensation = await eventually(async () =>
      probe.seen.find((e) => e.type === 'PaymentCompensationRequested'),
    );
    assert.equal(compensation.data.orderId, paid.body.orderId);
    assert.equal(typeof compensation.data.paymentId, 'number');
    assert.equal(
      (await get('/orders'))
        .json()
        ._embedded.orders.some((o: { itemName: string }) => o.itemName === 'BROKEN'),
      false,
    );
  });
});

describe('order service behind the gateway: identity from x-user-* headers only', () => {
  let service: BuiltService<OrderTables>;
  let payment: FakePayment;
  const { userName: _, ...seedBody } = rose;
  const c1 = asUser('customer1');
  const c2 = asUser('customer2');
  const send = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) => service.app.inject({ method, url, headers, payload });
  const place = async (headers: Record<string, string>, body: object = seedBody) => {
    const res = await send('POST', '/orders', headers, body);
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: number; userName: string };
  };
  const names = async (headers: Record<string, string>) =>
    (await send('GET', '/orders?size=100', headers))
      .json()
      ._embedded.orders.map((o: { userName: string }) => o.userName) as string[];

  before(async () => {
    payment = await fakePayment();
    service = await buildService(orderService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      PAYMENT_URL: payment.url,
    });
    await service.start();
  });
  after(async () => {
    await service.close();
    await payment.close();
  });

  it("orders for the caller: userName left out is filled from identity, the caller's own name is accepted", async () => {
    const filled = await place(c1);
    assert.equal(filled.userName, 'customer1');
    assert.equal((await place(c1, { ...seedBody, userName: 'customer1' })).userName, 'customer1');
    assert.equal(payment.requests.at(-1)!.body.userName, 'customer1', 'payment is made for the caller');
  });

  it('refuses a body naming another customer with 403 ORDER.NOT_YOURS, before paying', async () => {
    const calls = payment.requests.length;
    const res = await send('POST', '/orders', c2, { ...seedBody, userName: 'customer1' });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'ORDER.NOT_YOURS');
    assert.match(res.json().message, /customer2.*customer1/);
    assert.equal(payment.requests.length, calls, 'no payment for a refused order');
  });

  it('lets an admin order for a named customer, and for itself when none is named', async () => {
    assert.equal((await place(ADMIN, { ...seedBody, userName: 'customer2' })).userName, 'customer2');
    assert.equal((await place(ADMIN)).userName, 'bounded-admin');
  });

  it("lists only the caller's orders; an admin and a direct call see them all", async () => {
    await place(c2);
    assert.ok((await names(c1)).length >= 2);
    assert.ok((await names(c1)).every((n) => n === 'customer1'));
    assert.ok((await names(c2)).every((n) => n === 'customer2'));
    const list = (await send('GET', '/orders', c2)).json();
    assert.equal(list.page.totalElements, list._embedded.orders.length, "the count is the caller's too");
    assert.equal((await names(asUser('store1', 'store'))).length, 0, 'not a customer: no orders of its own');
    const all = await names(ADMIN);
    assert.deepEqual(new Set(all), new Set(['customer1', 'customer2', 'bounded-admin']));
    assert.deepEqual(await names({}), all, 'no identity headers: a direct loopback call sees every order');
  });

  it("answers another customer's order like a missing one (404) for GET and DELETE, and leaves it alone", async () => {
    const mine = await place(c1);
    for (const url of [`/orders/${mine.id}`, '/orders/9999']) {
      const read = await send('GET', url, c2);
      assert.equal(read.statusCode, 404);
      assert.equal(read.json().code, 'ORDER.NOT_FOUND');
      const del = await send('DELETE', url, c2);
      assert.equal(del.statusCode, 404);
      assert.equal(del.json().code, 'ORDER.NOT_FOUND');
    }
    const still = await send('GET', `/orders/${mine.id}`, c1);
    assert.equal(still.statusCode, 200);
    assert.equal(still.json().orderStatus, 'Paid', 'not cancelled by customer2');
    assert.equal((await send('DELETE', `/orders/${mine.id}`, c1)).statusCode, 204);
    assert.equal((await send('GET', `/orders/${mine.id}`, c1)).json().orderStatus, 'OrderCancelled');
  });

  it('lets an admin read and cancel any order', async () => {
    const theirs = await place(c2);
    assert.equal((await send('GET', `/orders/${theirs.id}`, ADMIN)).statusCode, 200);
    assert.equal((await send('DELETE', `/orders/${theirs.id}`, ADMIN)).statusCode, 204);
    assert.equal((await send('GET', `/orders/${theirs.id}`, c2)).json().orderStatus, 'OrderCancelled');
  });

  it('without identity headers behaves as before: the body must name the customer', async () => {
    const res = await send('POST', '/orders', {}, seedBody);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'REQUEST.INVALID');
    assert.deepEqual(res.json().fields, [{ field: 'userName', message: 'is required' }]);
    assert.equal((await place({}, rose)).userName, 'LKJ');
  });
});
