/**
 * The carshare system as real processes (one per service, embedded store and event log in a
 * temp DATA_DIR, ephemeral ports), called directly on the service ports as the seed's httpie
 * calls are: the seed scenario, the fault-isolation cases, the cancel saga's failure cases, and
 * kill -9 of delivery in the middle of a cancel. (Through the gateway: gateway.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { carshare, type Json } from './harness.ts';

describe('carshare system (real processes, direct calls)', { timeout: 240_000 }, () => {
  let c: Awaited<ReturnType<typeof carshare>>;
  const total = async (name: Parameters<typeof c.json>[0], path: string) =>
    (await c.json(name, `${path}${path.includes('?') ? '&' : '?'}size=1`)).page.totalElements as number;

  before(async () => {
    c = await carshare('carshare-system-');
    await c.startAll();
  });
  after(async () => {
    await c.stopAll();
  });

  it('the seed scenario: rent → paid → shipped → offered; cancel → coupon reclaimed → payment cancelled → delivery cancelled → order cancelled; customerpage at each step', async () => {
    const id = await c.rent();
    const order = await c.order(id);
    assert.equal(order.productId, 1001, 'the seed sends strings: read as numbers');
    assert.equal(order.qty, 1);
    assert.notEqual(order.status, 'order', 'the client’s status is ignored');
    assert.equal((await c.payment(id)).status, 'OrderApproved');
    await c.page(id, (r) => r.productId === 1001 && r.qty === 1 && r.paymentStatus === 'OrderApproved');
    assert.equal((await c.delivery(id)).status, 'Shipped');
    await c.page(id, (r) => r.deliveryStatus === 'Shipped');
    assert.equal((await c.coupon(id)).status, 'offered');
    await c.orderIs(id, 'offered');
    await c.page(id, (r) => r.status === 'offered' && r.couponStatus === 'offered');

    const res = await c.cancel(id);
    assert.equal(res.status, 201, await res.clone().text());
    const cancellation = (await res.json()) as Json;
    assert.equal(cancellation.orderId, id);
    assert.equal(cancellation.status, 'deliveryCancelled');
    assert.equal(res.headers.get('location'), cancellation._links.self.href);
    assert.equal((await c.couponCancellations(id)).length, 1);
    assert.equal((await c.coupon(id)).status, 'reclaimed');
    assert.equal((await c.paymentCancellations(id)).length, 1);
    assert.equal((await c.payment(id)).status, 'Cancelled');
    assert.equal((await c.delivery(id)).status, 'Cancelled');
    await c.orderIs(id, 'cancelled');
    const page = await c.page(id, (r) => r.status === 'cancelled');
    assert.equal(page.deliveryStatus, 'Cancelled');
    assert.equal(page.paymentStatus, 'Cancelled');
    assert.equal(page.couponStatus, 'reclaimed');
    const history = (page.history as string).split(',');
    for (const event of [
      'Ordered',
      'Paid',
      'Shipped',
      'CouponOffered',
      'CouponReclaimed',
      'PaymentCanceled',
      'DeliveryCanceled',
      'OrderCanceled',
    ])
      assert.ok(history.includes(event), `history has ${event}: ${page.history}`);
    assert.ok(history.indexOf('CouponReclaimed') < history.indexOf('OrderCanceled'));

    const again = await c.cancel(id);
    assert.equal(again.status, 409);
    const body = (await again.json()) as Json;
    assert.equal(body.code, 'DELIVERY.ALREADY_CANCELLED');
    assert.match(body.message, /already cancelled/);
    assert.equal((await c.couponCancellations(id)).length, 1, 'no second reclaim');
    assert.equal((await c.paymentCancellations(id)).length, 1, 'no second refund');
  });

  it('bad input → 400 naming the field, unknown ids → 404, never a 500', async () => {
    for (const body of [
      { productId: 'abc', qty: 1 },
      { productId: 1001, qty: -1 },
      { productId: 1001, qty: '1.5' },
      { qty: 1 },
      { productId: null },
    ]) {
      const res = await c.send('order', 'POST', '/orders', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = (await res.json()) as Json;
      assert.ok(error.fields?.length > 0 && error.message, JSON.stringify(error));
    }
    const bad = await c.send('delivery', 'POST', '/cancellations', { orderId: 'x' });
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as Json).fields.some((f: Json) => /orderId/.test(f.field)));
    assert.equal((await c.send('order', 'GET', '/orders/999999')).status, 404);
    assert.equal((await c.send('order', 'GET', '/orders/abc')).status, 400);
    assert.equal((await c.send('order', 'GET', '/orders?sort=nope')).status, 400);
    const unknown = await c.cancel(987654);
    assert.equal(unknown.status, 404, await unknown.clone().text());
    assert.equal(((await unknown.json()) as Json).code, 'RENTAL.NOT_FOUND');
    await c.until(async () => (await c.couponCancellations(987654)).every((x) => x.status === 'undone'));
    assert.equal(await total('coupon', '/coupons?orderId=987654'), 0, 'the reclaim of nothing was undone');
  });

  it('payment down → 503 + Retry-After, nothing persisted anywhere', async () => {
    await c.stop('payment');
    const before = {
      orders: await total('order', '/orders'),
      pages: await total('customerpage', '/customerpages'),
      deliveries: await total('delivery', '/deliveries'),
    };
    const res = await c.send('order', 'POST', '/orders', { productId: '1001', qty: '1' });
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    await c.start('payment');
    await sleep(500);
    assert.equal(await total('order', '/orders'), before.orders);
    assert.equal(await total('customerpage', '/customerpages'), before.pages, 'no event reached the view');
    assert.equal(await total('delivery', '/deliveries'), before.deliveries);
  });

  it('delivery down → rentals accepted; restarted, they are shipped (and offered)', async () => {
    await c.stop('delivery');
    const id = await c.rent({ productId: '1003', qty: '2' });
    await c.page(id, (r) => r.paymentStatus === 'OrderApproved');
    assert.equal((await c.order(id)).status, 'ordered', 'not shipped while delivery is down');
    await c.start('delivery');
    await c.orderIs(id, 'offered');
    assert.equal((await c.delivery(id)).status, 'Shipped');
  });

  it('coupon down → deliveries proceed; restarted, coupons are offered', async () => {
    await c.stop('coupon');
    const id = await c.rent({ productId: '1004', qty: '4' });
    await c.orderIs(id, 'shipped');
    assert.equal((await c.delivery(id)).status, 'Shipped');
    await c.start('coupon');
    await c.orderIs(id, 'offered');
    await c.page(id, (r) => r.couponStatus === 'offered');
  });

  it('cancel with coupon down → 503 + Retry-After and nothing changed; with coupon back, the cancel goes through', async () => {
    const id = await c.rent();
    await c.orderIs(id, 'offered');
    await c.stop('coupon');
    const res = await c.cancel(id);
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    await c.start('coupon');
    await sleep(300);
    assert.equal((await c.couponCancellations(id)).length, 0);
    assert.equal((await c.coupon(id)).status, 'offered');
    assert.equal((await c.payment(id)).status, 'OrderApproved');
    assert.equal((await c.delivery(id)).status, 'Shipped');
    assert.equal((await c.order(id)).status, 'offered');
    assert.equal((await c.cancel(id)).status, 201);
    await c.orderIs(id, 'cancelled');
  });

  it('cancel with payment down after the reclaim → 503, the coupon offered again by the compensating event; retried later → one refund', async () => {
    const id = await c.rent();
    await c.orderIs(id, 'offered');
    await c.stop('payment');
    const res = await c.cancel(id);
    assert.equal(res.status, 503, await res.clone().text());
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    await c.until(async () => (await c.coupon(id)).status === 'offered');
    const [undone] = await c.couponCancellations(id);
    assert.equal(undone?.status, 'undone');
    await c.page(
      id,
      (r) => r.couponStatus === 'offered' && (r.history as string).includes('CouponReclaimed'),
    );
    assert.equal((await c.delivery(id)).status, 'Shipped');
    assert.equal((await c.order(id)).status, 'offered');

    await c.start('payment');
    assert.equal((await c.payment(id)).status, 'OrderApproved');
    const retried = await c.until(async () => {
      const r = await c.cancel(id);
      return r.status === 201 ? r : undefined;
    });
    assert.equal(retried.status, 201);
    await c.orderIs(id, 'cancelled');
    const reclaims = await c.couponCancellations(id);
    assert.deepEqual(
      reclaims.map((r) => r.status),
      ['undone', 'reclaimed'],
    );
    assert.equal((await c.paymentCancellations(id)).length, 1);
    assert.equal((await c.coupon(id)).status, 'reclaimed');
  });

  it('a cancel whose payment call timed out, retried with the same Idempotency-Key → one reclaim, one refund, the same cancellation', async () => {
    await c.stop('payment');
    await c.start('payment', { PAYMENT_CANCEL_DELAY_MS: '1500' }); // delivery's payment timeout: 1000 ms
    const id = await c.rent();
    await c.orderIs(id, 'offered');
    const key = { 'idempotency-key': `cancel-${id}` };
    const first = await c.cancel(id, key);
    assert.equal(first.status, 503, await first.clone().text());
    assert.equal(((await first.json()) as Json).code, 'SAGA.IN_DOUBT');
    assert.ok(Number(first.headers.get('retry-after')) >= 1);
    const done = await c.until(async () => {
      const r = await c.cancel(id, key);
      return r.status === 201 ? ((await r.json()) as Json) : undefined;
    });
    const replay = await c.cancel(id, key);
    assert.equal(replay.status, 201);
    assert.equal(((await replay.json()) as Json).id, done.id, 'the same cancellation');
    assert.equal((await c.cancel(id)).status, 409, 'a second cancel without the key');
    await c.orderIs(id, 'cancelled');
    assert.equal((await c.couponCancellations(id)).length, 1, 'one reclaim');
    assert.equal((await c.paymentCancellations(id)).length, 1, 'one refund');
    const page = await c.page(id, (r) => r.status === 'cancelled');
    assert.equal((page.history as string).split(',').filter((e) => e === 'PaymentCanceled').length, 1);
    await c.stop('payment');
    await c.start('payment');
  });

  it('kill -9 of delivery in the middle of a cancel → after restart the saga completes, nothing done twice', async () => {
    await c.stop('payment');
    await c.start('payment', { PAYMENT_CANCEL_DELAY_MS: '4000' });
    await c.stop('delivery');
    await c.start('delivery', { PAYMENT_TIMEOUT_MS: '8000' });
    const id = await c.rent();
    await c.orderIs(id, 'offered');
    const inFlight = c.cancel(id).catch((error: unknown) => error);
    // The payment committed its cancellation and holds the answer: delivery waits in the middle.
    await c.until(async () => (await c.paymentCancellations(id)).length === 1);
    await c.kill('delivery');
    assert.ok((await inFlight) instanceof Error, 'the client lost its connection');
    assert.equal((await c.order(id)).status, 'offered', 'half-way: not cancelled yet');
    assert.equal((await c.coupon(id)).status, 'reclaimed');
    await c.start('delivery');
    await c.until(async () => (await c.delivery(id)).status === 'Cancelled');
    await c.orderIs(id, 'cancelled');
    assert.equal((await c.couponCancellations(id)).length, 1);
    assert.equal((await c.paymentCancellations(id)).length, 1);
    assert.equal((await c.cancellations(id)).length, 1);
    await c.page(id, (r) => r.status === 'cancelled' && r.couponStatus === 'reclaimed');
    await c.stop('payment');
    await c.start('payment');
  });

  it('kill -9 of delivery mid-cancel with payment gone at restart → the saga waits (never undoes a refund that may have happened), then completes', async () => {
    await c.stop('payment');
    await c.start('payment', { PAYMENT_CANCEL_DELAY_MS: '4000' });
    await c.stop('delivery');
    await c.start('delivery', { PAYMENT_TIMEOUT_MS: '8000' });
    const id = await c.rent();
    await c.orderIs(id, 'offered');
    const inFlight = c.cancel(id).catch((error: unknown) => error);
    await c.until(async () => (await c.paymentCancellations(id)).length === 1);
    await c.kill('delivery');
    await inFlight;
    await c.stop('payment');
    await c.start('delivery');
    await sleep(2500); // lease (1.5 s) run out, resumed a few times against a payment that is down
    assert.equal((await c.delivery(id)).status, 'Shipped');
    assert.equal((await c.coupon(id)).status, 'reclaimed', 'not re-offered: the refund may have happened');
    await c.start('payment');
    await c.until(async () => (await c.delivery(id)).status === 'Cancelled');
    await c.orderIs(id, 'cancelled');
    assert.equal((await c.paymentCancellations(id)).length, 1);
    assert.deepEqual(
      (await c.couponCancellations(id)).map((r) => r.status),
      ['reclaimed'],
    );
  });

  it('two delivery replicas, each asked to cancel the same rentals at once → per rental one cancel, one reclaim, one refund', async () => {
    const second = await c.startReplica('delivery');
    try {
      const ids: number[] = [];
      for (let i = 0; i < 8; i++) ids.push(await c.rent({ productId: String(3000 + i) }));
      for (const id of ids) await c.orderIs(id, 'offered');
      const body = (id: number) => JSON.stringify({ orderId: id });
      const answers = await Promise.all(
        ids.flatMap((id) => [
          c.cancel(id).then((r) => r.status),
          fetch(`${second.url}/cancellations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: body(id),
          }).then((r) => r.status),
        ]),
      );
      for (const status of answers) assert.ok([201, 409, 503].includes(status), `answered ${status}`);
      for (const id of ids) {
        await c.orderIs(id, 'cancelled');
        assert.equal((await c.cancellations(id)).length, 1, `one cancellation of ${id}`);
        assert.equal((await c.couponCancellations(id)).length, 1, `one reclaim of ${id}`);
        assert.equal((await c.paymentCancellations(id)).length, 1, `one refund of ${id}`);
      }
      assert.ok(
        answers.filter((s) => s === 201).length >= ids.length,
        'every rental cancelled by one of them',
      );
    } finally {
      await second.stop();
    }
  });
});
