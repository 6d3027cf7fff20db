import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Coupon, offer, reclaim, undoReclaim } from '../src/domain/coupon.ts';

const issued: Coupon = {
  id: 2,
  orderId: 5,
  paymentId: 9,
  deliveryId: 3,
  customerId: 'customer1',
  status: 'offered',
  issued: true,
  reclaimedBy: null,
};
const neverIssued: Coupon = { ...issued, status: 'reclaimed', issued: false };

describe('Coupon', () => {
  it('offers a coupon for a delivered rental, unless the rental has its row already', () => {
    const offered = offer(undefined, issued);
    assert.ok(offered.ok);
    assert.equal(offered.events[0]?.type, 'CouponOffered');
    assert.equal(offered.events[0]?.type === 'CouponOffered' && offered.events[0].data.reoffered, false);
    assert.ok(!offer(issued, issued).ok, 'no second coupon');
    assert.ok(!offer(neverIssued, issued).ok, 'reclaimed before Shipped: never issued');
  });

  it('reclaims for a cancellation, saying whether a coupon had been offered', () => {
    const taken = reclaim(issued, 7);
    assert.ok(taken.ok);
    assert.equal(taken.state.status, 'reclaimed');
    assert.equal(taken.state.reclaimedBy, 7);
    assert.deepEqual(taken.events[0]?.data, {
      id: 2,
      orderId: 5,
      couponCancellationId: 7,
      wasOffered: true,
      status: 'reclaimed',
    });
    const early = reclaim({ ...neverIssued, status: 'reclaimed' }, 7);
    assert.ok(early.ok);
    assert.equal(early.events[0]?.type === 'CouponReclaimed' && early.events[0].data.wasOffered, false);
  });

  it('undoes only the current reclaim: the coupon offered again; a reclaim superseded by a newer one stands', () => {
    const taken = reclaim(issued, 7);
    assert.ok(taken.ok);
    const undone = undoReclaim(taken.state, 7);
    assert.ok(undone.ok);
    assert.equal(undone.state.kind, 'reoffered');
    assert.equal(undone.state.coupon.status, 'offered');
    assert.equal(undone.events[0]?.type === 'CouponOffered' && undone.events[0].data.reoffered, true);

    const retaken = reclaim(taken.state, 8); // the client's retry reclaimed it again
    assert.ok(retaken.ok);
    const stale = undoReclaim(retaken.state, 7);
    assert.ok(!stale.ok);
    assert.equal(stale.rejection.code, 'COUPON.RECLAIM_NOT_CURRENT');
    assert.ok(!undoReclaim(undone.state.coupon, 7).ok, 'undone twice');
  });

  it('undoing the reclaim of a coupon never issued forgets it, so a later Shipped may still issue it', () => {
    const early = reclaim(neverIssued, 7);
    assert.ok(early.ok);
    const undone = undoReclaim(early.state, 7);
    assert.ok(undone.ok);
    assert.equal(undone.state.kind, 'forgotten');
    assert.deepEqual(undone.events, [
      { type: 'CouponReclaimUndone', data: { orderId: 5, couponCancellationId: 7, status: 'notIssued' } },
    ]);
  });
});
