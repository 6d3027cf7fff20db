/** The coupon service in-process: the saga's reclaim (idempotent), Shipped → offered, the compensation's undo. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltService } from '@bounded/kernel';
import { eventually, probeEvents, publish, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { couponService } from '../src/service.ts';

describe('coupon service', () => {
  let coupon: Awaited<ReturnType<typeof startInProcess>>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const service = () => coupon.service as BuiltService<unknown>;
  const shipped = (orderId: number) => ({
    type: 'Shipped',
    key: String(orderId),
    data: {
      id: orderId + 100,
      orderId,
      paymentId: orderId + 200,
      productId: 1001,
      qty: 1,
      customerId: 'c1',
      status: 'Shipped',
    },
  });
  const reclaim = (orderId: number, key: string) =>
    coupon.service.app.inject({
      method: 'POST',
      url: '/couponCancellations',
      headers: { 'idempotency-key': key },
      payload: { orderId: String(orderId), paymentId: '1', status: 'deliveryCancel' },
    });
  const couponOf = async (orderId: number) =>
    (await coupon.call('GET', `/coupons?orderId=${orderId}`)).body._embedded.coupons[0];
  const seen = (type: string, orderId: number) =>
    probe.seen.filter((e) => e.type === type && e.key === String(orderId));

  before(async () => {
    coupon = await startInProcess(couponService, { DATA_DIR: tempDir('carshare-coupon-') });
    probe = await probeEvents(service(), 'carshare');
  });
  after(async () => {
    await probe.close();
    await coupon.close();
  });

  it('offers a coupon when the car is delivered, once however often Shipped comes', async () => {
    await publish(service(), [shipped(1), shipped(1)]);
    await eventually(async () => (await couponOf(1))?.status === 'offered');
    await eventually(async () => seen('CouponOffered', 1).length === 1);
    assert.equal((await coupon.call('GET', '/coupons?orderId=1')).body.page.totalElements, 1);
  });

  it('reclaims idempotently: the same key answers the same cancellation and announces once', async () => {
    const first = await reclaim(1, 'saga-1:reclaimCoupon');
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().status, 'reclaimed', 'the client’s status="deliveryCancel" is ignored');
    const again = await reclaim(1, 'saga-1:reclaimCoupon');
    assert.equal(again.json().id, first.json().id);
    assert.equal((await couponOf(1)).status, 'reclaimed');
    await eventually(async () => seen('CouponReclaimed', 1).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen('CouponReclaimed', 1).length, 1);
  });

  it('a rental reclaimed before its Shipped arrived (coupon was down) never gets a coupon later', async () => {
    const res = await reclaim(2, 'saga-2:reclaimCoupon');
    assert.equal(res.statusCode, 201);
    await publish(service(), [shipped(2)]);
    await eventually(async () => probe.seen.some((e) => e.type === 'CouponReclaimed' && e.key === '2'));
    await new Promise((r) => setTimeout(r, 300));
    await eventually(async () => (await couponOf(2)).issued === true);
    const row = await couponOf(2);
    assert.equal(row.status, 'reclaimed', 'the reclaim stands');
    assert.equal(seen('CouponOffered', 2).length, 0);
  });

  it('a reclaim before Shipped, then Shipped, then that reclaim undone → the coupon offered after all', async () => {
    const reclaimed = (await reclaim(4, 'saga-4:reclaimCoupon')).json();
    await publish(service(), [
      shipped(4),
      {
        type: 'CouponReofferRequested',
        key: '4',
        data: { orderId: 4, couponCancellationId: reclaimed.id, reason: 'test' },
      },
    ]);
    await eventually(async () => (await couponOf(4))?.status === 'offered');
    await eventually(async () => seen('CouponOffered', 4).length === 1);
  });

  it('the saga’s compensation offers the coupon again — unless a newer reclaim took its place', async () => {
    await publish(service(), [shipped(3)]);
    await eventually(async () => (await couponOf(3))?.status === 'offered');
    const first = (await reclaim(3, 'a:reclaimCoupon')).json();
    await publish(service(), [
      {
        type: 'CouponReofferRequested',
        key: '3',
        data: { orderId: 3, couponCancellationId: first.id, reason: 'test' },
      },
    ]);
    await eventually(async () => (await couponOf(3)).status === 'offered');
    const [undone] = (await coupon.call('GET', '/couponCancellations?orderId=3')).body._embedded
      .couponCancellations;
    assert.equal(undone.status, 'undone');
    await eventually(async () => seen('CouponOffered', 3).some((e) => e.data.reoffered === true));

    // A retry reclaims again before the first attempt's compensation arrives: the newer reclaim stands.
    const second = (await reclaim(3, 'b:reclaimCoupon')).json();
    const third = (await reclaim(3, 'c:reclaimCoupon')).json();
    await publish(service(), [
      {
        type: 'CouponReofferRequested',
        key: '3',
        data: { orderId: 3, couponCancellationId: second.id, reason: 'test' },
      },
    ]);
    await eventually(async () =>
      probe.seen.some(
        (e) => e.type === 'CouponReofferRequested' && e.data.couponCancellationId === second.id,
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const row = await couponOf(3);
    assert.equal(row.status, 'reclaimed');
    assert.equal(row.reclaimedBy, third.id);
  });

  it('bad input → 400, unknown ids → 404', async () => {
    assert.equal((await coupon.call('POST', '/couponCancellations', { orderId: -1 })).status, 400);
    assert.equal((await coupon.call('POST', '/couponCancellations', {})).status, 400);
    assert.equal((await coupon.call('GET', '/coupons/999')).status, 404);
    assert.equal((await coupon.call('GET', '/coupons?sort=secret')).status, 400);
  });
});
