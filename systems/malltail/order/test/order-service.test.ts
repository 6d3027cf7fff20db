import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import {
  asUser,
  eventually,
  type FakeDependency,
  fakeDependency,
  probeEvents,
  publish,
  tempDir,
} from '@bounded/service-kit/testing';
import { sql } from 'kysely';
import { orderService } from '../src/service.ts';
import type { OrderTables } from '../src/tables.ts';

const item = { itemNo: 1001, qty: 1, customerId: 'LKJ', customerAddress: 'Seoul' };

describe('order service', () => {
  let service: BuiltService<OrderTables>;
  let pay: FakeDependency;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers = {}) =>
    service.app.inject({ method, url, payload, headers });
  const post = (payload: object, headers = {}) => inject('POST', '/orders', payload, headers);
  const get = (url: string, headers = {}) => inject('GET', url, undefined, headers);
  const total = async () => (await get('/orders')).json().page.totalElements as number;

  before(async () => {
    pay = await fakeDependency((body, id) => ({ ...body, id, paystatus: 'Paid' }));
    service = await buildService(orderService, {
      DATA_DIR: tempDir('malltail-order-'),
      LOG_LEVEL: 'silent',
      PAY_URL: pay.url,
      PAY_TIMEOUT_MS: '300',
      PAY_BREAKER_FAILURES: '2',
      PAY_HALF_OPEN_MS: '400',
    });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'malltail');
  });
  after(async () => {
    await probe.close();
    await service.close();
    await pay.close();
  });

  it("takes the seed's order (itemNo=1001 as a string): 201 + Location, HAL, pay called once with an Idempotency-Key, Ordered published", async () => {
    const res = await post({ itemNo: '1001', id: 99, orderStatus: 'Canceled' });
    assert.equal(res.statusCode, 201);
    assert.match(String(res.headers['content-type']), /application\/hal\+json/);
    const body = res.json();
    assert.equal(body.id, 1, 'server-owned fields ignored');
    assert.equal(body.itemNo, 1001);
    assert.equal(body.qty, 1);
    assert.equal(body.orderStatus, 'Ordered');
    assert.equal(body.deliveryStatus, null);
    assert.ok(body.createDate);
    assert.equal(res.headers.location, body._links.self.href);
    assert.match(body._links.cancel.href, /\/orders\/1\/cancel$/);
    assert.equal(pay.requests.length, 1);
    assert.ok(pay.requests[0]!.headers['idempotency-key']);
    assert.equal(pay.requests[0]!.body.orderNo, 1);
    await eventually(async () => probe.seen.some((e) => e.type === 'Ordered' && e.key === '1'));
    assert.equal((await get('/orders/1')).json().itemNo, 1001);
  });

  it('answers bad input with 400 and unknown ids with 404, never 500', async () => {
    for (const bad of [
      {},
      { itemNo: 0 },
      { itemNo: -1 },
      { itemNo: '1.5' },
      { itemNo: null },
      { itemNo: 1, qty: 0 },
    ]) {
      const res = await post(bad);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.equal(res.json().status, 400);
    }
    assert.equal((await get('/orders/777')).json().code, 'ORDER.NOT_FOUND');
    assert.equal((await get('/orders/abc')).statusCode, 400);
    assert.equal((await inject('PUT', '/orders/777/cancel')).statusCode, 404);
  });

  it('cancels with PUT /orders/{id}/cancel → 200 Canceled, OrderCanceled published; a second cancel is 409', async () => {
    const id = (await post(item)).json().id;
    const res = await inject('PUT', `/orders/${id}/cancel`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().orderStatus, 'Canceled');
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderCanceled' && e.key === String(id)));
    const again = await inject('PUT', `/orders/${id}/cancel`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ORDER.ALREADY_CANCELED');
  });

  it('starts overseas shipping when the shop accepts; a cancel is then 409; a cancelled order never ships', async () => {
    const id = (await post(item)).json().id;
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderAccepted', key: String(id), data: { orderId: id, orderNo: id } },
    ]);
    await eventually(async () =>
      probe.seen.some((e) => e.type === 'OrderDeliveryStarted' && e.key === String(id)),
    );
    const started = probe.seen.find((e) => e.type === 'OrderDeliveryStarted' && e.key === String(id))!;
    assert.equal(started.data.customerAddress, 'Seoul');
    assert.equal((await get(`/orders/${id}`)).json().deliveryStatus, 'ShippingStarted');
    const res = await inject('PUT', `/orders/${id}/cancel`);
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ORDER.SHIPPING_STARTED');
    assert.match(res.json().message, /overseas shipping/);

    const gone = (await post(item)).json().id;
    assert.equal((await inject('PUT', `/orders/${gone}/cancel`)).statusCode, 200);
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderAccepted', key: String(gone), data: { orderId: gone, orderNo: gone } },
      { type: 'OrderAccepted', key: String(id), data: { orderId: id, orderNo: id } },
    ]);
    await eventually(async () => probe.seen.filter((e) => e.type === 'OrderAccepted').length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!probe.seen.some((e) => e.type === 'OrderDeliveryStarted' && e.key === String(gone)));
    assert.equal(
      probe.seen.filter((e) => e.type === 'OrderDeliveryStarted' && e.key === String(id)).length,
      1,
      'a second acceptance starts nothing',
    );
  });

  it('follows the parcel: customs rejection ends the order cancelled (not refunded); shop rejection ends it rejected', async () => {
    const a = (await post(item)).json().id;
    const b = (await post(item)).json().id;
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderAccepted', key: String(a), data: { orderId: a } },
      { type: 'ShippingCompleted', key: String(a), data: { orderId: a } },
      { type: 'CustomsRejected', key: String(a), data: { orderId: a } },
      { type: 'OrderRejected', key: String(b), data: { orderId: b } },
      { type: 'PaymentCanceled', key: String(b), data: { orderId: b, reason: 'OrderRejected' } },
    ]);
    await eventually(async () => (await get(`/orders/${a}`)).json().deliveryStatus === 'Disposed');
    const disposed = (await get(`/orders/${a}`)).json();
    assert.equal(disposed.orderStatus, 'Canceled');
    assert.equal(disposed.paystatus, 'Paid');
    await eventually(async () => (await get(`/orders/${b}`)).json().paystatus === 'Refunded');
    assert.equal((await get(`/orders/${b}`)).json().orderStatus, 'Rejected');
  });

  it('with pay failing: 503 + Retry-After, no order row, no event; the breaker then answers fast; pay back → orders again', async () => {
    const before = await total();
    const eventsBefore = probe.seen.length;
    pay.mode = 'fail';
    const first = await post(item);
    assert.equal(first.statusCode, 503);
    assert.ok(Number(first.headers['retry-after']) >= 1);
    pay.mode = 'slow';
    const slow = await post(item);
    assert.equal(slow.statusCode, 503);
    // The payment may have been taken: its order is in doubt until pay answers (below).
    assert.equal(slow.json().code, 'SAGA.IN_DOUBT');
    const calls = pay.requests.length;
    const t0 = Date.now();
    const open = await post(item);
    assert.equal(open.json().code, 'DEPENDENCY.CIRCUIT_OPEN');
    assert.ok(Date.now() - t0 < 200);
    assert.equal(pay.requests.length, calls, 'pay not called while the breaker is open');
    assert.equal(await total(), before, 'no order row');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(probe.seen.length, eventsBefore, 'no event');
    pay.mode = 'ok';
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await post(item)).statusCode, 201);
    // The order whose payment was in doubt is saved once pay answers again (resume loop).
    await eventually(async () => (await total()) === before + 2, 30_000);
    assert.equal((await inject('GET', '/admin/sagas')).json().running.length, 0, 'no saga left running');
  });

  it('when the order cannot be saved after payment: 503 and a PaymentCompensationRequested event', async () => {
    await sql`CREATE TRIGGER fail_orders BEFORE INSERT ON orders WHEN NEW.itemNo = 6666 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`.execute(
      service.context.store.db,
    );
    const res = await post({ ...item, itemNo: 6666 });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'ORDER.NOT_SAVED');
    const paid = pay.requests.find((r) => r.body.itemNo === 6666)!;
    const compensation = await eventually(async () =>
      probe.seen.find((e) => e.type === 'PaymentCompensationRequested'),
    );
    assert.equal(compensation.data.orderId, paid.body.orderNo);
  });

  it("through the gateway: the caller is the customer; another's order is 404 for GET and cancel; 403 for ordering as someone else", async () => {
    const c1 = asUser('customer1');
    const c2 = asUser('customer2');
    const mine = await post({ itemNo: 1001 }, c1);
    assert.equal(mine.json().customerId, 'customer1');
    const id = mine.json().id;
    assert.equal((await get(`/orders/${id}`, c2)).statusCode, 404);
    assert.equal((await inject('PUT', `/orders/${id}/cancel`, undefined, c2)).statusCode, 404);
    const list = (await get('/orders?size=100', c2)).json();
    assert.ok(list._embedded.orders.every((o: { customerId: string }) => o.customerId === 'customer2'));
    const forged = await post({ itemNo: 1001, customerId: 'customer1' }, c2);
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json().code, 'ORDER.NOT_YOURS');
    assert.equal((await inject('PUT', `/orders/${id}/cancel`, undefined, c1)).statusCode, 200);
  });
});
