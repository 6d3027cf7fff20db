import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIRECT } from '@bounded/service-kit';
import { cancelOrder, customerFor, type Order, observeProgress, placeOrder } from '../src/domain/order.ts';

const request = { itemName: '장미 한바구니', qty: 1, itemPrice: 50000, storeName: 'KJSHOP', userName: 'LKJ' };
const paid = (): Order => {
  const d = placeOrder(4, request, 100);
  assert.ok(d.ok);
  return d.state;
};

describe('Order decisions', () => {
  it('places a paid order and announces Ordered with the seed fields', () => {
    const d = placeOrder(4, request, 100);
    assert.ok(d.ok);
    assert.equal(d.state.orderStatus, 'Paid');
    assert.deepEqual(d.events, [
      { type: 'Ordered', data: { id: 4, orderId: 4, ...request, orderStatus: 'Ordered' } },
    ]);
  });

  it('cancels an order the rider has not started, announcing OrderCancelled', () => {
    const d = cancelOrder(observeProgress(paid(), 'Decorated'));
    assert.ok(d.ok);
    assert.equal(d.state.orderStatus, 'OrderCancelled');
    assert.equal(d.events[0]?.type, 'OrderCancelled');
  });

  it('refuses to cancel twice, after a rejection, or once the rider has started', () => {
    const codes = [
      observeProgress(paid(), 'OrderCancelled'),
      observeProgress(paid(), 'OrderRejected'),
      observeProgress(paid(), 'DeliveryStarted'),
      observeProgress(paid(), 'DeliveryCompleted'),
    ].map((o) => {
      const d = cancelOrder(o);
      assert.ok(!d.ok);
      return d.rejection.code;
    });
    assert.deepEqual(codes, [
      'ORDER.ALREADY_CANCELLED',
      'ORDER.REJECTED',
      'ORDER.DELIVERY_STARTED',
      'ORDER.DELIVERY_STARTED',
    ]);
  });

  it('tracks progress forward only; an ending is final', () => {
    const started = observeProgress(observeProgress(paid(), 'DeliveryStarted'), 'OrderAccepted');
    assert.equal(started.orderStatus, 'DeliveryStarted');
    const cancelled = observeProgress(observeProgress(paid(), 'OrderCancelled'), 'Decorated');
    assert.equal(cancelled.orderStatus, 'OrderCancelled');
  });

  it('decides whose order it is from the caller, never from the body alone', () => {
    const c1 = { kind: 'user', name: 'customer1', isAdmin: false } as const;
    const admin = { kind: 'user', name: 'bounded-admin', isAdmin: true } as const;
    assert.deepEqual(customerFor(c1, undefined), { ok: true, userName: 'customer1' });
    assert.deepEqual(customerFor(c1, 'customer1'), { ok: true, userName: 'customer1' });
    const other = customerFor(c1, 'customer2');
    assert.ok(!other.ok);
    assert.equal(other.rejection.code, 'ORDER.NOT_YOURS');
    assert.deepEqual(customerFor(admin, 'customer2'), { ok: true, userName: 'customer2' });
    assert.deepEqual(customerFor(DIRECT, 'LKJ'), { ok: true, userName: 'LKJ' });
    const none = customerFor(DIRECT, undefined);
    assert.ok(!none.ok);
    assert.equal(none.rejection.code, 'ORDER.CUSTOMER_REQUIRED');
  });
});
