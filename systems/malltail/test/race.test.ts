/**
 * Requirement 7 under contention, on real processes: for 50 orders the customer's cancel and the
 * shop owner's accept (which starts overseas shipping) are fired concurrently, with a random
 * head start either way. The order decides both on its own row (order/src/domain/order.ts), so
 * for every order exactly one wins, and once the events settle every service agrees on which.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '@bounded/service-kit/testing';
import { type Json, malltail } from './harness.ts';

const N = 50;

describe('malltail: cancel racing the shipping start (real processes)', { timeout: 60_000 }, () => {
  let m: Awaited<ReturnType<typeof malltail>>;

  before(async () => {
    m = await malltail('malltail-race-');
    await m.startAll();
  });
  after(async () => {
    await m.stopAll();
  });

  it(`${N} orders, cancel and shop accept fired concurrently: exactly one wins each, final states agree everywhere`, async () => {
    const ids: number[] = [];
    for (let i = 0; i < N; i++) ids.push(await m.placeOrder({ itemNo: 5000 + i }));
    const copies = new Map<number, Json>();
    for (const id of ids) copies.set(id, await m.shopCopy(id));

    const outcomes = await Promise.all(
      ids.map(async (id, i) => {
        // Alternate who gets a random head start (0–40 ms), so both sides win some races.
        const lead = Math.floor(Math.random() * 40);
        const cancel = async () => {
          if (i % 2 === 0) await sleep(lead);
          return (await m.send('order', 'PUT', `/orders/${id}/cancel`)).status;
        };
        const accept = async () => {
          if (i % 2 === 1) await sleep(lead);
          return (await m.send('shop', 'POST', `/shopManagements/${copies.get(id)!.id}/accept`)).status;
        };
        const [cancelStatus, acceptStatus] = await Promise.all([cancel(), accept()]);
        return { id, cancelStatus, acceptStatus };
      }),
    );
    for (const o of outcomes) {
      assert.ok([200, 409].includes(o.cancelStatus), `cancel of ${o.id}: ${o.cancelStatus}`);
      assert.ok([200, 409].includes(o.acceptStatus), `accept of ${o.id}: ${o.acceptStatus}`);
      if (o.acceptStatus === 409) assert.equal(o.cancelStatus, 200, `order ${o.id}: nobody won`);
    }
    const canceled = outcomes.filter((o) => o.cancelStatus === 200).map((o) => o.id);
    const shipped = outcomes.filter((o) => o.cancelStatus === 409).map((o) => o.id);
    console.log(`race: ${canceled.length} cancels won, ${shipped.length} shipping starts won`);
    assert.equal(canceled.length + shipped.length, N);

    // Settle: every view row shows its winner's end state; then a quiet period for stragglers.
    await eventually(async () => {
      const rows = (await m.json('viewpage', `/statusViews?size=1000`))._embedded.statusViews as Json[];
      const byOrder = new Map(rows.map((r) => [r.orderNo as number, r]));
      return (
        canceled.every(
          (id) => byOrder.get(id)?.paystatus === 'Refunded' && byOrder.get(id)?.shopStatus === 'Canceled',
        ) && shipped.every((id) => byOrder.get(id)?.shippingStatus === 'ShippingStarted')
      );
    }, 20_000);
    await sleep(500);

    const all = async (
      service: 'order' | 'pay' | 'shop' | 'shipping' | 'viewpage',
      path: string,
      plural: string,
    ) => ((await m.json(service, `${path}?size=1000`))._embedded[plural] as Json[]) ?? [];
    const orders = new Map((await all('order', '/orders', 'orders')).map((o) => [o.id, o]));
    const payments = new Map((await all('pay', '/payments', 'payments')).map((p) => [p.orderNo, p]));
    const shop = new Map(
      (await all('shop', '/shopManagements', 'shopManagements')).map((s) => [s.orderNo, s]),
    );
    const shippings = await all('shipping', '/shippings', 'shippings');
    const views = new Map((await all('viewpage', '/statusViews', 'statusViews')).map((v) => [v.orderNo, v]));

    for (const id of canceled) {
      const at = `order ${id} (cancel won)`;
      assert.equal(orders.get(id)!.orderStatus, 'Canceled', at);
      assert.equal(orders.get(id)!.deliveryStatus, null, at);
      assert.equal(orders.get(id)!.paystatus, 'Refunded', at);
      assert.equal(payments.get(id)!.paystatus, 'Refunded', at);
      assert.equal(shop.get(id)!.deliveryStatus, 'Canceled', at);
      assert.equal(shippings.filter((s) => s.orderNo === id).length, 0, `${at}: nothing shipped`);
      assert.equal(views.get(id)!.orderStatus, 'Canceled', at);
      assert.equal(views.get(id)!.shippingStatus, null, at);
    }
    for (const id of shipped) {
      const at = `order ${id} (shipping won)`;
      assert.equal(orders.get(id)!.orderStatus, 'Ordered', at);
      assert.equal(orders.get(id)!.deliveryStatus, 'ShippingStarted', at);
      assert.equal(payments.get(id)!.paystatus, 'Paid', at);
      assert.equal(shop.get(id)!.deliveryStatus, 'Accepted', at);
      assert.equal(shippings.filter((s) => s.orderNo === id).length, 1, `${at}: shipped once`);
      assert.equal(views.get(id)!.orderStatus, 'Ordered', at);
      assert.equal(views.get(id)!.paystatus, 'Paid', at);
    }
    for (const name of ['order', 'pay', 'shop', 'shipping', 'viewpage'] as const) {
      assert.deepEqual((await m.json(name, '/admin/parked')).parked, [], `${name}: nothing parked`);
    }
    assert.ok(canceled.length > 0 && shipped.length > 0, 'both sides won some races');
  });
});
