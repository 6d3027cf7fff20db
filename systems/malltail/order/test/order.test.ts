import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIRECT } from '@bounded/service-kit';
import {
  cancelOrder,
  customerFor,
  type Order,
  observeDelivery,
  placeOrder,
  rejectByShop,
  startShipping,
} from '../src/domain/order.ts';

const AT = '2024-01-01T00:00:00.000Z';
const LATER = '2024-01-02T00:00:00.000Z';
const request = {
  itemNo: 1001,
  qty: 1,
  customerId: 'customer1',
  customerName: 'Kim',
  customerAddress: 'Seoul',
  phoneNumber: '010',
};
const placed = (): Order => {
  const d = placeOrder(7, request, 70, AT);
  assert.ok(d.ok);
  return d.state;
};

describe('Order (domain)', () => {
  it('is placed paid, with an Ordered event carrying the correlation id', () => {
    const d = placeOrder(7, request, 70, AT);
    assert.ok(d.ok);
    assert.equal(d.state.orderStatus, 'Ordered');
    assert.equal(d.state.deliveryStatus, null);
    assert.equal(d.state.paystatus, 'Paid');
    assert.equal(d.state.createDate, AT);
    assert.deepEqual(
      d.events.map((e) => [e.type, e.data.orderId]),
      [['Ordered', 7]],
    );
  });

  it('cancels before shipping starts (OrderCanceled), never twice', () => {
    const d = cancelOrder(placed(), LATER);
    assert.ok(d.ok);
    assert.equal(d.state.orderStatus, 'Canceled');
    assert.equal(d.state.updateDate, LATER);
    assert.equal(d.events[0]!.type, 'OrderCanceled');
    const again = cancelOrder(d.state, LATER);
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'ORDER.ALREADY_CANCELED');
  });

  it('starts shipping on the shop acceptance, after which a cancel is refused', () => {
    const started = startShipping(placed(), LATER);
    assert.ok(started.ok);
    assert.equal(started.state.deliveryStatus, 'ShippingStarted');
    assert.equal(started.events[0]!.type, 'OrderDeliveryStarted');
    const cancel = cancelOrder(started.state, LATER);
    assert.ok(!cancel.ok);
    assert.equal(cancel.rejection.code, 'ORDER.SHIPPING_STARTED');
    assert.match(cancel.rejection.message, /overseas shipping/);
  });

  it('never starts shipping for a cancelled or rejected order (the cancel won), nor twice', () => {
    const canceled = cancelOrder(placed(), LATER);
    assert.ok(canceled.ok);
    assert.equal(startShipping(canceled.state, LATER).ok, false);
    assert.equal(startShipping(rejectByShop(placed(), LATER), LATER).ok, false);
    const started = startShipping(placed(), LATER);
    assert.ok(started.ok);
    assert.equal(startShipping(started.state, LATER).ok, false);
  });

  it('ends rejected on the shop rejection, and a rejected order cannot be cancelled', () => {
    const rejected = rejectByShop(placed(), LATER);
    assert.equal(rejected.orderStatus, 'Rejected');
    const cancel = cancelOrder(rejected, LATER);
    assert.ok(!cancel.ok);
    assert.equal(cancel.rejection.code, 'ORDER.REJECTED');
  });

  it('follows the parcel forward only; customs disposal cancels the order, delivery completes it', () => {
    const started = startShipping(placed(), AT);
    assert.ok(started.ok);
    let o = observeDelivery(started.state, 'ShippingCompleted', LATER);
    o = observeDelivery(o, 'ShippingStarted', LATER);
    assert.equal(o.deliveryStatus, 'ShippingCompleted', 'a late event does not move it back');
    const disposed = observeDelivery(o, 'Disposed', LATER);
    assert.equal(disposed.orderStatus, 'Canceled');
    assert.equal(disposed.paystatus, 'Paid', 'no refund on customs rejection');
    const done = observeDelivery(observeDelivery(o, 'CustomsApproved', LATER), 'DeliveryCompleted', LATER);
    assert.equal(done.orderStatus, 'Completed');
  });

  it('orders for the caller; never for someone else unless admin; a direct call may name anyone or none', () => {
    assert.deepEqual(customerFor({ kind: 'user', name: 'customer1', isAdmin: false }, undefined), {
      ok: true,
      customerId: 'customer1',
    });
    const other = customerFor({ kind: 'user', name: 'customer2', isAdmin: false }, 'customer1');
    assert.ok(!other.ok);
    assert.equal(other.rejection.code, 'ORDER.NOT_YOURS');
    assert.equal(customerFor({ kind: 'user', name: 'ops', isAdmin: true }, 'customer1').ok, true);
    assert.deepEqual(customerFor(DIRECT, undefined), { ok: true, customerId: null });
  });
});
