/**
 * The delivery service in-process with coupon and payment as stand-ins on real ports: Paid →
 * Shipped; the cancel saga's steps with their keys; a rental cancelled before its delivery
 * existed never gets a car; a customer cancels only their own rental.
 */
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
import { deliveryService } from '../src/service.ts';

describe('delivery service', () => {
  let delivery: Awaited<ReturnType<typeof startInProcess>>;
  let coupon: FakeDependency;
  let payment: FakeDependency;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const service = () => delivery.service as BuiltService<unknown>;
  const paid = (orderId: number, customerId = 'customer1') => ({
    type: 'Paid',
    key: String(orderId),
    data: { id: orderId + 200, orderId, productId: 1001, qty: 1, customerId, status: 'OrderApproved' },
  });
  const cancel = (orderId: number, headers: Record<string, string> = {}) =>
    delivery.service.app.inject({
      method: 'POST',
      url: '/cancellations',
      headers,
      payload: { orderId: String(orderId), paymentId: '1', status: 'deliveryCancel' },
    });
  const deliveryOf = async (orderId: number) =>
    (await delivery.call('GET', `/deliveries?orderId=${orderId}`)).body._embedded.deliveries[0];
  const seen = (type: string, orderId: number) =>
    probe.seen.filter((e) => e.type === type && e.key === String(orderId));

  before(async () => {
    coupon = await fakeDependency((body, id) => ({ ...body, id, status: 'reclaimed' }));
    payment = await fakeDependency((body, id) => ({
      ...body,
      id,
      paymentId: Number(body.paymentId ?? 500),
      status: 'Cancelled',
    }));
    delivery = await startInProcess(deliveryService, {
      DATA_DIR: tempDir('carshare-delivery-'),
      COUPON_URL: coupon.url,
      PAYMENT_URL: payment.url,
      COUPON_TIMEOUT_MS: '2000',
      PAYMENT_TIMEOUT_MS: '2000',
      COUPON_BREAKER_FAILURES: '100',
      PAYMENT_BREAKER_FAILURES: '100',
      SAGA_RESUME_MS: '100',
      SAGA_LEASE_MS: '500',
    });
    probe = await probeEvents(service(), 'carshare');
  });
  after(async () => {
    await probe.close();
    await delivery.close();
    await coupon.close();
    await payment.close();
  });

  it('brings the car when a rental is paid (Shipped), once however often Paid comes', async () => {
    await publish(service(), [paid(1), paid(1)]);
    await eventually(async () => (await deliveryOf(1))?.status === 'Shipped');
    await eventually(async () => seen('Shipped', 1).length === 1);
    assert.equal((await delivery.call('GET', '/deliveries?orderId=1')).body.page.totalElements, 1);
  });

  it('cancels in the seed’s order: reclaim (coupon), then cancel payment, then DeliveryCanceled; each step under a key of its own', async () => {
    coupon.requests.length = 0;
    payment.requests.length = 0;
    const res = await cancel(1);
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.status, 'deliveryCancelled');
    assert.equal(body.paymentId, 201, 'the server knows the payment: the body’s paymentId=1 is not used');
    assert.equal(coupon.requests.length, 1);
    assert.equal(coupon.requests[0]!.body.orderId, 1);
    assert.equal(coupon.requests[0]!.body.paymentId, 201);
    assert.equal(payment.requests.length, 1);
    const keys = [
      coupon.requests[0]!.headers['idempotency-key'],
      payment.requests[0]!.headers['idempotency-key'],
    ];
    assert.ok(keys[0] && keys[1] && keys[0] !== keys[1]);
    assert.equal((await deliveryOf(1)).status, 'Cancelled');
    await eventually(async () => seen('DeliveryCanceled', 1).length === 1);
    assert.equal((await cancel(1)).statusCode, 409);
  });

  it('a rental cancelled before its delivery existed (Paid not seen yet) never gets a car delivered later', async () => {
    const res = await cancel(2);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await deliveryOf(2)).status, 'Cancelled');
    await publish(service(), [paid(2)]);
    await eventually(async () => probe.seen.some((e) => e.type === 'Paid' && e.key === '2'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await deliveryOf(2)).status, 'Cancelled');
    assert.equal(seen('Shipped', 2).length, 0);
  });

  it('a customer cancels only their own rental: another’s → 404, nothing called; payment checks the customer when the delivery is unknown', async () => {
    await publish(service(), [paid(3, 'customer1')]);
    await eventually(async () => (await deliveryOf(3))?.status === 'Shipped');
    coupon.requests.length = 0;
    const theirs = await cancel(3, asUser('customer2'));
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.json().code, 'RENTAL.NOT_FOUND');
    assert.equal(coupon.requests.length, 0);
    payment.requests.length = 0;
    assert.equal((await cancel(4, asUser('customer2'))).statusCode, 201);
    assert.equal(payment.requests[0]!.body.customerId, 'customer2', 'payment verifies the rental is theirs');
    assert.equal(
      (await cancel(3, asUser('operator1', 'operator'))).statusCode,
      201,
      'the operator may cancel any',
    );
  });

  it('coupon failing → 503 + Retry-After, nothing changed; payment failing after the reclaim → 503 and CouponReofferRequested', async () => {
    await publish(service(), [paid(5), paid(6)]);
    await eventually(async () => (await deliveryOf(6))?.status === 'Shipped');
    coupon.mode = 'fail';
    const down = await cancel(5);
    assert.equal(down.statusCode, 503);
    assert.ok(Number(down.headers['retry-after']) >= 1);
    assert.equal((await deliveryOf(5)).status, 'Shipped');
    coupon.mode = 'ok';

    payment.mode = 'fail';
    const half = await cancel(6);
    assert.equal(half.statusCode, 503);
    await eventually(async () => seen('CouponReofferRequested', 6).length === 1);
    assert.equal((await deliveryOf(6)).status, 'Shipped');
    payment.mode = 'ok';
    assert.equal((await cancel(6)).statusCode, 201);
    assert.equal(seen('CouponReofferRequested', 5).length, 0, 'nothing to undo when the first step failed');
  });

  it('bad input → 400 naming the field', async () => {
    for (const payload of [
      {},
      { orderId: 0 },
      { orderId: '1.5' },
      { orderId: null },
      { orderId: 1, paymentId: 'x' },
    ]) {
      const res = await delivery.service.app.inject({ method: 'POST', url: '/cancellations', payload });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.ok(res.json().fields.length > 0);
    }
  });
});
