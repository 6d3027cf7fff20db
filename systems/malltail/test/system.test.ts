/**
 * The malltail system as real processes (one per service, embedded store and event log in a
 * temp DATA_DIR, ephemeral ports): the spec's scenarios and its fault-isolation cases.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '@bounded/service-kit/testing';
import { type Json, malltail } from './harness.ts';

describe('malltail system (real processes)', { timeout: 90_000 }, () => {
  let m: Awaited<ReturnType<typeof malltail>>;

  before(async () => {
    m = await malltail('malltail-system-');
    await m.startAll();
  });
  after(async () => {
    await m.stopAll();
  });

  it('happy path: order → paid → shop accepts → shipping → warehouse → customs approves → delivered, statusViews at each step', async () => {
    const id = await m.placeOrder({ customerAddress: 'Seoul', customerName: 'Lee', phoneNumber: '010-1234' });
    assert.equal((await m.order(id)).orderStatus, 'Ordered');
    await m.view(id, (r) => r.orderStatus === 'Ordered' && r.paystatus === 'Paid' && r.itemNo === 1001);
    assert.equal((await m.shopCopy(id)).deliveryStatus, 'Ready');
    await m.view(id, (r) => r.shopStatus === 'Ready');
    await m.shopDo(id, 'accept');
    const shipping = await m.shipping(id);
    assert.equal(shipping.shippingStatus, 'ShippingStarted');
    assert.equal(shipping.customerAddress, 'Seoul');
    await m.view(id, (r) => r.shopStatus === 'Accepted' && r.shippingStatus === 'ShippingStarted');
    await m.orderIs(id, (o) => o.deliveryStatus === 'ShippingStarted');
    await m.arrive(id);
    assert.equal((await m.delivery(id)).deliveryStatus, 'CustomsPending');
    await m.view(
      id,
      (r) => r.shippingStatus === 'ShippingCompleted' && r.deliveryStatus === 'CustomsPending',
    );
    await m.customsDo(id, 'approve');
    await m.view(id, (r) => r.deliveryStatus === 'CustomsApproved');
    await m.customsDo(id, 'complete');
    await m.view(id, (r) => r.deliveryStatus === 'DeliveryCompleted' && r.orderStatus === 'Completed');
    await m.orderIs(id, (o) => o.orderStatus === 'Completed' && o.deliveryStatus === 'DeliveryCompleted');
    assert.equal((await m.payment(id)).paystatus, 'Paid');
  });

  it('cancel before shipping → refunded, shop sees it cancelled; cancel after shipping started → 409', async () => {
    const early = await m.placeOrder();
    await m.shopCopy(early);
    const res = await m.send('order', 'PUT', `/orders/${early}/cancel`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Json).orderStatus, 'Canceled');
    await eventually(async () => (await m.payment(early)).paystatus === 'Refunded');
    await eventually(async () => (await m.shopCopy(early)).deliveryStatus === 'Canceled');
    await m.orderIs(early, (o) => o.paystatus === 'Refunded');
    await m.view(early, (r) => r.orderStatus === 'Canceled' && r.paystatus === 'Refunded');

    const late = await m.placeOrder();
    await m.shopDo(late, 'accept');
    await m.shipping(late);
    const refused = await m.send('order', 'PUT', `/orders/${late}/cancel`);
    assert.equal(refused.status, 409);
    const body = (await refused.json()) as Json;
    assert.equal(body.code, 'ORDER.SHIPPING_STARTED');
    assert.match(body.message, /overseas shipping/);
    assert.equal((await m.payment(late)).paystatus, 'Paid');
  });

  it('customs rejection → item disposed, order ends cancelled, NO refund', async () => {
    const id = await m.placeOrder();
    await m.shopDo(id, 'accept');
    await m.arrive(id);
    await m.customsDo(id, 'reject');
    await m.orderIs(id, (o) => o.orderStatus === 'Canceled' && o.deliveryStatus === 'Disposed');
    await m.view(id, (r) => r.orderStatus === 'Canceled' && r.deliveryStatus === 'Disposed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await m.payment(id)).paystatus, 'Paid', 'not refunded');
    assert.equal((await m.order(id)).paystatus, 'Paid');
  });

  it('shop rejection → refund, order ends rejected, nothing ships', async () => {
    const id = await m.placeOrder();
    await m.shopDo(id, 'reject');
    await m.orderIs(id, (o) => o.orderStatus === 'Rejected' && o.paystatus === 'Refunded');
    assert.equal((await m.payment(id)).paystatus, 'Refunded');
    await m.view(
      id,
      (r) => r.orderStatus === 'Rejected' && r.shopStatus === 'Rejected' && r.paystatus === 'Refunded',
    );
    assert.equal((await m.json('shipping', `/shippings?orderNo=${id}`)).page.totalElements, 0);
  });

  it('with shop stopped, orders are still taken; restarted, it catches up', async () => {
    await m.stop('shop');
    const id = await m.placeOrder({ itemNo: 2001 });
    await m.view(id, (r) => r.paystatus === 'Paid');
    await m.start('shop');
    assert.equal((await m.shopCopy(id)).deliveryStatus, 'Ready');
    await m.shopDo(id, 'accept');
    await m.view(id, (r) => r.shippingStatus === 'ShippingStarted');
  });

  it('with shipping and delivery stopped, orders are still taken and accepted; restarted, they catch up', async () => {
    await Promise.all([m.stop('shipping'), m.stop('delivery')]);
    const id = await m.placeOrder({ itemNo: 3001 });
    await m.shopDo(id, 'accept');
    await m.orderIs(id, (o) => o.deliveryStatus === 'ShippingStarted');
    await m.start('shipping');
    await m.arrive(id);
    await m.start('delivery');
    assert.equal((await m.delivery(id)).deliveryStatus, 'CustomsPending');
    await m.view(id, (r) => r.deliveryStatus === 'CustomsPending');
  });

  it('with pay down: 503 + Retry-After, no order row, no event', async () => {
    await m.stop('pay');
    const orders = (await m.json('order', '/orders')).page.totalElements;
    const views = (await m.json('viewpage', '/statusViews')).page.totalElements;
    const res = await m.send('order', 'POST', '/orders', { itemNo: 1001 });
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal((await m.json('order', '/orders')).page.totalElements, orders);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      (await m.json('viewpage', '/statusViews')).page.totalElements,
      views,
      'no event reached the view',
    );
  });

  it('with pay slow: the breaker opens and orders are refused fast; pay healthy again → orders succeed', async () => {
    await m.start('pay', { PAY_DELAY_MS: '3000' });
    let fast: Response | undefined;
    for (let i = 0; i < 4 && !fast; i++) {
      const t0 = Date.now();
      const res = await m.send('order', 'POST', '/orders', { itemNo: 1001 });
      assert.equal(res.status, 503);
      if (((await res.clone().json()) as Json).code === 'DEPENDENCY.CIRCUIT_OPEN') {
        assert.ok(Date.now() - t0 < 300, 'an open breaker answers at once');
        fast = res;
      }
    }
    assert.ok(fast, 'the breaker opened');
    assert.ok(Number(fast.headers.get('retry-after')) >= 1);
    await m.stop('pay');
    await m.start('pay');
    const id = await eventually(async () => {
      const res = await m.send('order', 'POST', '/orders', { itemNo: 1001 });
      return res.status === 201 ? ((await res.json()) as Json).id : undefined;
    }, 8000);
    await m.view(id, (r) => r.paystatus === 'Paid');
  });
});
