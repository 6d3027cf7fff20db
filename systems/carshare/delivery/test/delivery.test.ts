import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancel, cancelBeforeShipping, type Delivery, mayStartCancel, ship } from '../src/domain/delivery.ts';

const delivery: Delivery = {
  id: 3,
  orderId: 5,
  paymentId: 9,
  productId: 1001,
  qty: 1,
  customerId: 'customer1',
  status: 'Shipped',
};

describe('Delivery', () => {
  it('ships a paid rental (Shipped), but never a second time for the same rental', () => {
    const shipped = ship(undefined, delivery);
    assert.ok(shipped.ok);
    assert.deepEqual(shipped.events, [
      {
        type: 'Shipped',
        data: {
          id: 3,
          orderId: 5,
          paymentId: 9,
          productId: 1001,
          qty: 1,
          customerId: 'customer1',
          status: 'Shipped',
        },
      },
    ]);
    const again = ship(delivery, delivery);
    assert.ok(!again.ok);
  });

  it('cancels once (DeliveryCanceled with the cancellation); a cancelled rental refuses another cancel (409)', () => {
    const cancelled = cancel(delivery, 11, 'RentalCancelled');
    assert.ok(cancelled.ok);
    assert.equal(cancelled.state.status, 'Cancelled');
    assert.deepEqual(cancelled.events[0]?.data, {
      id: 3,
      orderId: 5,
      paymentId: 9,
      cancellationId: 11,
      customerId: 'customer1',
      status: 'Cancelled',
      reason: 'RentalCancelled',
    });
    const again = cancel(cancelled.state, 12, 'RentalCancelled');
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'DELIVERY.ALREADY_CANCELLED');
    assert.equal(mayStartCancel(cancelled.state, 5)?.ok, false);
    assert.equal(mayStartCancel(delivery, 5), undefined);
    assert.equal(
      mayStartCancel(undefined, 5),
      undefined,
      'a rental whose delivery is not known yet may be cancelled',
    );
  });

  it('a rental cancelled before its delivery existed is stored cancelled, so the late Paid ships nothing', () => {
    const { status: _status, ...unshipped } = delivery;
    const cancelled = cancelBeforeShipping(unshipped, 11);
    assert.ok(cancelled.ok);
    assert.equal(cancelled.state.status, 'Cancelled');
    assert.equal(cancelled.events[0]?.type, 'DeliveryCanceled');
    assert.ok(!ship(cancelled.state, delivery).ok);
  });
});
