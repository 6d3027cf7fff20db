/** The order service in-process with payment as a stand-in on a real port. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltService } from '@bounded/kernel';
import {
  asUser,
  eventually,
  type FakeDependency,
  fakeDependency,
  probeEvents,
  publish,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { orderService } from '../src/service.ts';

describe('order service', () => {
  let order: Awaited<ReturnType<typeof startInProcess>>;
  let payment: FakeDependency;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const service = () => order.service as BuiltService<unknown>;
  const rent = (payload: object, headers: Record<string, string> = {}) =>
    order.service.app.inject({ method: 'POST', url: '/orders', payload, headers });
  const statusOf = async (id: number) => (await order.call('GET', `/orders/${id}`)).body.status;

  before(async () => {
    payment = await fakeDependency((body, id) => ({ ...body, id, status: 'OrderApproved' }));
    order = await startInProcess(orderService, {
      DATA_DIR: tempDir('carshare-order-'),
      PAYMENT_URL: payment.url,
      PAYMENT_TIMEOUT_MS: '2000',
      PAYMENT_BREAKER_FAILURES: '2',
      PAYMENT_HALF_OPEN_MS: '2000',
    });
    probe = await probeEvents(service(), 'carshare');
  });
  after(async () => {
    await probe.close();
    await order.close();
    await payment.close();
  });

  it('takes the seed’s rental (strings, status="order" ignored): pays with a key, 201 + Location, Ordered', async () => {
    const res = await rent({ productId: '1001', qty: '1', status: 'order' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.productId, 1001);
    assert.equal(body.status, 'ordered');
    assert.equal(body.paymentId, 100);
    assert.equal(res.headers.location, body._links.self.href);
    assert.equal(payment.requests.at(-1)!.body.orderId, body.id);
    assert.ok(payment.requests.at(-1)!.headers['idempotency-key']);
    await eventually(async () => probe.seen.some((e) => e.type === 'Ordered' && e.key === String(body.id)));
  });

  it('rents for the signed-in customer only; naming someone else is 403', async () => {
    const mine = await rent({ productId: 1001, qty: 1 }, asUser('customer1'));
    assert.equal(mine.json().customerId, 'customer1');
    const other = await rent({ productId: 1001, qty: 1, customerId: 'customer2' }, asUser('customer1'));
    assert.equal(other.statusCode, 403);
    assert.equal(other.json().code, 'RENTAL.NOT_YOURS');
    assert.equal(
      (
        await order.service.app.inject({
          method: 'GET',
          url: `/orders/${mine.json().id}`,
          headers: asUser('customer2'),
        })
      ).statusCode,
      404,
    );
  });

  it('follows the rental: shipped, offered, and cancelled once when its delivery is cancelled', async () => {
    const id = (await rent({ productId: 1001, qty: 1 })).json().id as number;
    const key = String(id);
    await publish(service(), [{ type: 'Shipped', key, data: { orderId: id } }]);
    await eventually(async () => (await statusOf(id)) === 'shipped');
    await publish(service(), [{ type: 'CouponOffered', key, data: { orderId: id } }]);
    await eventually(async () => (await statusOf(id)) === 'offered');
    const canceled = { type: 'DeliveryCanceled', key, data: { orderId: id, reason: 'RentalCancelled' } };
    await publish(service(), [canceled, canceled, { type: 'Shipped', key, data: { orderId: id } }]);
    await eventually(async () => (await statusOf(id)) === 'cancelled');
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderCanceled' && e.key === key));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(probe.seen.filter((e) => e.type === 'OrderCanceled' && e.key === key).length, 1);
    assert.equal(await statusOf(id), 'cancelled', 'a late Shipped does not take it back');
  });

  it('payment failing → 503 + Retry-After and no rental; the breaker then answers at once', async () => {
    const before = (await order.call('GET', '/orders')).body.page.totalElements;
    payment.mode = 'fail';
    for (let i = 0; i < 3; i++) {
      const res = await rent({ productId: 1001, qty: 1 });
      assert.equal(res.statusCode, 503);
      assert.ok(Number(res.headers['retry-after']) >= 1);
    }
    const open = await rent({ productId: 1001, qty: 1 });
    assert.equal(open.json().code, 'DEPENDENCY.CIRCUIT_OPEN');
    payment.mode = 'ok';
    assert.equal((await order.call('GET', '/orders')).body.page.totalElements, before);
    await eventually(async () => (await rent({ productId: 1001, qty: 1 })).statusCode === 201);
  });

  it('payment made but the rental cannot be saved → 503, and a compensating event asks payment to refund', async () => {
    const previous = (await rent({ productId: 1001, qty: 1 })).json();
    const last = previous.id as number;
    // The next rental's number is taken already: its insert fails after the payment went through.
    await order.service.context.store.db
      .insertInto('orders' as never)
      .values({
        id: last + 1,
        productId: 1,
        qty: 1,
        status: 'ordered',
        customerId: null,
        paymentId: 1,
      } as never)
      .execute();
    const res = await rent({ productId: 1001, qty: 1 });
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'ORDER.NOT_SAVED');
    const paymentId = previous.paymentId + 1; // the stand-in numbers the payments it takes
    const asked = await eventually(async () =>
      probe.seen.find((e) => e.type === 'PaymentCompensationRequested' && e.key === String(last + 1)),
    );
    assert.equal(asked.data.paymentId, paymentId);
    assert.ok(
      !probe.seen.some(
        (e) => e.type === 'Ordered' && e.key === String(last + 1) && e.data.productId === 1001,
      ),
    );
  });

  it('bad input → 400 naming the field; unknown → 404', async () => {
    for (const payload of [
      {},
      { productId: 0 },
      { productId: '10.5' },
      { productId: 1, qty: -1 },
      { productId: 1, qty: 'x' },
    ]) {
      const res = await rent(payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.ok(res.json().fields.length > 0);
    }
    assert.equal((await order.call('GET', '/orders/12345')).body.code, 'ORDER.NOT_FOUND');
  });
});
