/**
 * carshare behind its gateway, as real processes started by the runner's `launch` (auth, the
 * five services, the gateway), with real tokens from the auth service's development set: the
 * seed scenario, steps 1–11, with the seed's httpie bodies, customerpage showing each step;
 * identity from the verified token only (a customer sees and cancels only their own rentals,
 * another's is a 404; operator1 sees all); roles on every seed path. Ports: a copy of the map at
 * 38100 (auth and the control endpoint on free ports).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BehindGateway, type Json, launchBehindGateway } from '@bounded/runner/testing';
import { eventually } from '@bounded/service-kit/testing';
import { system } from '../system.ts';

type Who = 'customer1' | 'customer2' | 'operator1';

describe('carshare through the gateway (real processes, real tokens)', { timeout: 120_000 }, () => {
  let sys: BehindGateway<Who>;
  const call = (who: Who | null, method: string, path: string, body?: unknown) =>
    sys.call(who, method, path, body);
  const json = (who: Who, path: string) => sys.json(who, path);
  const items = (who: Who, path: string, plural: string) => sys.items(who, path, plural);

  const until = <T>(probe: () => Promise<T | undefined | false>) => eventually(probe, 20_000);
  /** Step 11 at every step: the customer's own page of the rental, once it passes `check`. */
  const page = (who: Who, orderId: number, check: (row: Json) => boolean) =>
    until(async () => {
      const row = (await items(who, `/customerpages?orderId=${orderId}`, 'customerpages'))[0];
      if (!row || !check(row)) throw new Error(`customerpage now ${JSON.stringify(row)}`);
      return row;
    });
  const orderStatus = (who: Who, id: number, status: string) =>
    until(async () => ((await json(who, `/orders/${id}`)).status === status ? true : undefined));
  /** The seed's httpie calls send every value as a string. */
  const rent = async (who: Who, productId = '1001') => {
    const res = await call(who, 'POST', '/orders', { productId, qty: '1', status: 'order' });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Json;
  };

  before(async () => {
    sys = await launchBehindGateway(system, {
      basePort: 38100,
      users: ['customer1', 'customer2', 'operator1'],
    });
  });
  after(() => sys?.stop());

  it('refuses requests without a valid token (401) on every seed path', async () => {
    for (const path of [
      '/orders',
      '/deliveries',
      '/cancellations',
      '/customerpages',
      '/payments',
      '/paymentCancellations',
      '/coupons',
      '/couponCancellations',
    ]) {
      assert.equal((await call(null, 'GET', path)).status, 401, path);
    }
  });

  it('the seed scenario, steps 1–11, with a customer token; customerpage shows each step', async () => {
    // 1–2. The customer rents; the payment is taken synchronously (OrderApproved).
    const order = await rent('customer1');
    assert.equal(order.customerId, 'customer1', 'identity from the token');
    assert.equal(order.productId, 1001);
    assert.notEqual(order.status, 'order', 'status is the server’s');
    const id = order.id as number;
    await page(
      'customer1',
      id,
      (r) => r.paymentStatus === 'OrderApproved' && r.productId === 1001 && r.qty === 1,
    );
    const [payment] = await items('customer1', `/payments?orderId=${id}`, 'payments');
    assert.equal(payment?.status, 'OrderApproved');
    // 3–4. The car is brought (Shipped): the order shows `shipped`.
    const delivery = await until(
      async () => (await items('customer1', `/deliveries?orderId=${id}`, 'deliveries'))[0],
    );
    assert.equal(delivery.status, 'Shipped');
    await page('customer1', id, (r) => r.deliveryStatus === 'Shipped');
    // 5–6. A coupon is issued: the order shows `offered`.
    await orderStatus('customer1', id, 'offered');
    const coupon = await until(
      async () => (await items('customer1', `/coupons?orderId=${id}`, 'coupons'))[0],
    );
    assert.equal(coupon.status, 'offered');
    await page('customer1', id, (r) => r.status === 'offered' && r.couponStatus === 'offered');

    // 7–10. The customer cancels with the seed's body: coupon reclaimed, payment cancelled,
    // delivery cancelled (sync steps), the order finally cancelled (async).
    const res = await call('customer1', 'POST', '/cancellations', {
      orderId: String(id),
      paymentId: String(payment?.id),
      status: 'deliveryCancel',
    });
    assert.equal(res.status, 201, await res.clone().text());
    const cancellation = (await res.json()) as Json;
    assert.equal(cancellation.status, 'deliveryCancelled');
    assert.equal(cancellation.customerId, 'customer1');
    assert.equal(
      (await items('customer1', `/couponCancellations?orderId=${id}`, 'couponCancellations'))[0]?.status,
      'reclaimed',
    );
    assert.equal(
      (await items('customer1', `/paymentCancellations?orderId=${id}`, 'paymentCancellations')).length,
      1,
    );
    assert.equal((await json('customer1', `/deliveries/${delivery.id}`)).status, 'Cancelled');
    await orderStatus('customer1', id, 'cancelled');
    // 11. The customer looks the rental up.
    const row = await page('customer1', id, (r) => r.status === 'cancelled');
    assert.equal(row.couponStatus, 'reclaimed');
    assert.equal(row.paymentStatus, 'Cancelled');
    assert.equal(row.deliveryStatus, 'Cancelled');
    assert.equal(row.customerId, 'customer1');
    assert.match(row.history, /^Ordered|^Paid/);

    const twice = await call('customer1', 'POST', '/cancellations', { orderId: id });
    assert.equal(twice.status, 409);
  });

  it('a customer sees and cancels only their own rentals (another’s → 404); operator1 sees every one', async () => {
    const mine = (await rent('customer1', '2001')).id as number;
    const theirs = (await rent('customer2', '2002')).id as number;
    await page('customer2', theirs, (r) => r.status === 'offered');
    await page('customer1', mine, (r) => r.status === 'offered');

    assert.equal((await call('customer2', 'GET', `/orders/${mine}`)).status, 404);
    const cancel = await call('customer2', 'POST', '/cancellations', { orderId: mine });
    assert.equal(cancel.status, 404);
    assert.equal(((await cancel.json()) as Json).code, 'RENTAL.NOT_FOUND');
    for (const [path, plural] of [
      ['/orders', 'orders'],
      ['/deliveries', 'deliveries'],
      ['/payments', 'payments'],
      ['/coupons', 'coupons'],
      ['/customerpages', 'customerpages'],
    ] as const) {
      const seen = await items('customer2', `${path}?size=100`, plural);
      assert.ok(seen.length > 0 && seen.every((r) => r.customerId === 'customer2'), `${path} of customer2`);
      const all = await items('operator1', `${path}?size=100`, plural);
      const ids = all.map((r) => (path === '/orders' ? r.id : r.orderId));
      assert.ok(ids.includes(mine) && ids.includes(theirs), `operator1 sees all ${path}`);
    }
    assert.equal((await json('customer1', `/orders/${mine}`)).status, 'offered', 'untouched by customer2');

    // Payments and coupons are made by the services' sync calls, never by a customer.
    assert.equal((await call('customer1', 'POST', '/payments', { orderId: mine, productId: 1 })).status, 403);
    assert.equal((await call('customer1', 'POST', '/couponCancellations', { orderId: mine })).status, 403);
    // Bad input through the gateway is the service's 400.
    const bad = await call('customer1', 'POST', '/orders', { productId: 'car', qty: 0 });
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as Json).fields.length > 0);
    // The operator may cancel any rental.
    assert.equal((await call('operator1', 'POST', '/cancellations', { orderId: theirs })).status, 201);
    await orderStatus('customer2', theirs, 'cancelled');
  });
});
