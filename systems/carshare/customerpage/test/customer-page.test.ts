import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventPayloads, EventType } from '../../events.ts';
import { HISTORY_MAX } from '../src/resources.ts';
import { applyEvent, type CustomerPage, emptyPage } from '../src/views/customer-page.ts';

const rental = { orderId: 5, productId: 1001, qty: 2, customerId: 'customer1' };
const E = {
  Ordered: { id: 5, ...rental, paymentId: 9, status: 'ordered' },
  Paid: { id: 9, ...rental, status: 'OrderApproved' },
  Shipped: { id: 3, ...rental, paymentId: 9, status: 'Shipped' },
  CouponOffered: {
    id: 2,
    orderId: 5,
    paymentId: 9,
    deliveryId: 3,
    customerId: 'customer1',
    status: 'offered',
    reoffered: false,
  },
  CouponReclaimed: { id: 2, orderId: 5, couponCancellationId: 7, wasOffered: true, status: 'reclaimed' },
  PaymentCanceled: {
    id: 9,
    orderId: 5,
    paymentCancellationId: 4,
    status: 'Cancelled',
    reason: 'RentalCancelled',
  },
  DeliveryCanceled: {
    id: 3,
    orderId: 5,
    paymentId: 9,
    cancellationId: 1,
    customerId: 'customer1',
    status: 'Cancelled',
    reason: 'RentalCancelled',
  },
  OrderCanceled: { id: 5, ...rental, status: 'cancelled' },
} satisfies Partial<{ [T in EventType]: EventPayloads[T] }>;

const play = (types: Array<keyof typeof E>, from: CustomerPage = emptyPage(5)) =>
  types.reduce((page, type) => applyEvent(page, type, E[type] as never), from);

describe('customer page view', () => {
  it('shows the rental through the seed scenario, the history in the order of events', () => {
    const page = play(['Ordered', 'Paid', 'Shipped', 'CouponOffered']);
    assert.equal(page.status, 'offered');
    assert.equal(page.productId, 1001);
    assert.equal(page.qty, 2);
    assert.equal(page.customerId, 'customer1');
    assert.equal(page.paymentStatus, 'OrderApproved');
    assert.equal(page.deliveryStatus, 'Shipped');
    assert.equal(page.couponStatus, 'offered');
    const end = play(['CouponReclaimed', 'PaymentCanceled', 'DeliveryCanceled', 'OrderCanceled'], page);
    assert.equal(end.status, 'cancelled');
    assert.equal(end.couponStatus, 'reclaimed');
    assert.equal(end.paymentStatus, 'Cancelled');
    assert.equal(end.deliveryStatus, 'Cancelled');
    assert.equal(
      end.history,
      'Ordered,Paid,Shipped,CouponOffered,CouponReclaimed,PaymentCanceled,DeliveryCanceled,OrderCanceled',
    );
  });

  it('events from different producers in any order give the same fields; the status never goes back', () => {
    const mixed = play(['CouponOffered', 'Shipped', 'Paid', 'Ordered']);
    const inOrder = play(['Ordered', 'Paid', 'Shipped', 'CouponOffered']);
    assert.deepEqual({ ...mixed, history: '' }, { ...inOrder, history: '' });
    assert.equal(mixed.status, 'offered');
  });

  it('a reclaim undone shows the coupon offered again; the history keeps both', () => {
    const page = play(['Ordered', 'Shipped', 'CouponOffered', 'CouponReclaimed']);
    const again = applyEvent(page, 'CouponOffered', { ...E.CouponOffered, reoffered: true });
    assert.equal(again.couponStatus, 'offered');
    assert.equal(again.status, 'offered');
    assert.match(again.history, /CouponReclaimed,CouponOffered$/);
  });

  it('keeps the history within its column, dropping the oldest entries', () => {
    let page = emptyPage(5);
    for (let i = 0; i < 200; i++) page = applyEvent(page, 'CouponOffered', E.CouponOffered);
    assert.ok(page.history.length <= HISTORY_MAX);
    assert.ok(page.history.endsWith('CouponOffered'));
  });
});
