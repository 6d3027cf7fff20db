import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endCancelled, follow, placeRental } from '../src/domain/order.ts';

const rental = { productId: 1001, qty: 1, customerId: 'customer1' };

describe('Order', () => {
  it('a placed rental is ordered, paid, and announced with its payment', () => {
    const decision = placeRental(7, rental, 3);
    assert.ok(decision.ok);
    assert.deepEqual(decision.state, { id: 7, ...rental, status: 'ordered', paymentId: 3 });
    assert.deepEqual(decision.events, [
      { type: 'Ordered', data: { id: 7, orderId: 7, ...rental, paymentId: 3, status: 'ordered' } },
    ]);
  });

  it('follows shipped then offered, and never goes back (a late Shipped, a re-offered coupon)', () => {
    const placed = placeRental(1, rental, 1);
    assert.ok(placed.ok);
    const shipped = follow(placed.state, 'shipped');
    assert.equal(shipped.status, 'shipped');
    const offered = follow(shipped, 'offered');
    assert.equal(offered.status, 'offered');
    assert.equal(follow(offered, 'shipped'), offered, 'unchanged: the same object');
    assert.equal(follow(offered, 'offered'), offered);
  });

  it('ends cancelled once: OrderCanceled the first time, nothing after; a cancelled rental stays cancelled', () => {
    const placed = placeRental(1, rental, 1);
    assert.ok(placed.ok);
    const first = endCancelled(follow(placed.state, 'offered'));
    assert.ok(first.ok);
    assert.equal(first.state.status, 'cancelled');
    assert.deepEqual(
      first.events.map((e) => e.type),
      ['OrderCanceled'],
    );
    const second = endCancelled(first.state);
    assert.ok(second.ok);
    assert.deepEqual(second.events, []);
    assert.equal(follow(first.state, 'offered').status, 'cancelled');
  });
});
