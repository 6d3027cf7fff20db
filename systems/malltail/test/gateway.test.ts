/**
 * malltail behind its gateway, as real processes started by the runner's `launch` (auth, the six
 * services, the gateway), with real tokens from the auth service's development set: identity
 * comes from the verified token only, roles gate the actors' commands, and a customer sees only
 * their own orders and statusViews. Ports: a copy of the map at 38500 (auth 38090, control 38000).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BehindGateway, type Json, launchBehindGateway } from '@bounded/runner/testing';
import { eventually } from '@bounded/service-kit/testing';
import { system } from '../system.ts';

type Who = 'customer1' | 'customer2' | 'shop1' | 'customs1';

describe('malltail through the gateway (real processes, real tokens)', { timeout: 60_000 }, () => {
  let sys: BehindGateway<Who>;
  const call = (who: Who | null, method: string, path: string, body?: unknown) =>
    sys.call(who, method, path, body);
  const json = (who: Who, path: string) => sys.json(who, path);

  before(async () => {
    sys = await launchBehindGateway(system, {
      basePort: 38500,
      users: ['customer1', 'customer2', 'shop1', 'customs1'],
    });
  });
  after(() => sys?.stop());

  it('refuses requests without a valid token (401)', async () => {
    for (const path of ['/orders', '/statusViews', '/shopManagements']) {
      assert.equal((await call(null, 'GET', path)).status, 401, path);
    }
  });

  it('walks an order through every actor with their own token; roles gate each command; customer2 sees nothing of customer1', async () => {
    const placed = await call('customer1', 'POST', '/orders', { itemNo: 1001, customerAddress: 'Seoul' });
    assert.equal(placed.status, 201);
    const order = (await placed.json()) as Json;
    assert.equal(order.customerId, 'customer1', 'identity from the token');
    assert.ok(placed.headers.get('location'));

    // customer2 can't see or cancel customer1's order, nor their statusView row.
    assert.equal((await call('customer2', 'GET', `/orders/${order.id}`)).status, 404);
    assert.equal((await call('customer2', 'PUT', `/orders/${order.id}/cancel`)).status, 404);
    const row = await eventually(
      async () =>
        ((await json('customer1', `/statusViews?orderNo=${order.id}`))._embedded.statusViews as Json[])[0],
    );
    assert.equal(row.customerId, 'customer1');
    const theirs = (await json('customer2', '/statusViews?size=100'))._embedded.statusViews as Json[];
    assert.ok(!theirs.some((r) => r.orderNo === order.id));
    assert.equal((await call('customer2', 'GET', `/statusViews/${row.id}`)).status, 404);

    // Only the shop owner accepts; a customer or the customs officer gets 403.
    const copy = await eventually(
      async () =>
        (
          (await json('shop1', `/shopManagements?orderNo=${order.id}`))._embedded.shopManagements as Json[]
        )[0],
    );
    for (const who of ['customer1', 'customs1'] as const) {
      const res = await call(who, 'POST', `/shopManagements/${copy.id}/accept`);
      assert.equal(res.status, 403, who);
      assert.equal(((await res.json()) as Json).code, 'AUTH.FORBIDDEN');
    }
    assert.equal(
      (await call('shop1', 'PATCH', `/shopManagements/${copy.id}`, { deliveryStatus: 'Accepted' })).status,
      200,
    );

    // Shipping started: the customer's cancel is now 409.
    const shipping = await eventually(
      async () => ((await json('shop1', `/shippings?orderNo=${order.id}`))._embedded.shippings as Json[])[0],
    );
    const cancel = await call('customer1', 'PUT', `/orders/${order.id}/cancel`);
    assert.equal(cancel.status, 409);
    assert.equal(((await cancel.json()) as Json).code, 'ORDER.SHIPPING_STARTED');
    assert.equal((await call('customer1', 'POST', `/shippings/${shipping.id}/complete`)).status, 403);
    assert.equal((await call('shop1', 'POST', `/shippings/${shipping.id}/complete`)).status, 200);

    // Only the customs officer clears customs.
    const delivery = await eventually(
      async () =>
        ((await json('customs1', `/deliveries?orderNo=${order.id}`))._embedded.deliveries as Json[])[0],
    );
    assert.equal((await call('shop1', 'POST', `/deliveries/${delivery.id}/approve`)).status, 403);
    assert.equal((await call('customer1', 'POST', `/deliveries/${delivery.id}/approve`)).status, 403);
    assert.equal((await call('customs1', 'POST', `/deliveries/${delivery.id}/approve`)).status, 200);
    assert.equal((await call('customs1', 'POST', `/deliveries/${delivery.id}/complete`)).status, 200);
    await eventually(async () => {
      const r = (
        (await json('customer1', `/statusViews?orderNo=${order.id}`))._embedded.statusViews as Json[]
      )[0];
      return r?.orderStatus === 'Completed' && r.deliveryStatus === 'DeliveryCompleted';
    });

    // Payments are not for customers; a shop owner cannot place orders.
    assert.equal((await call('customer1', 'GET', '/payments')).status, 403);
    assert.equal((await call('shop1', 'POST', '/orders', { itemNo: 1001 })).status, 403);
  });
});
