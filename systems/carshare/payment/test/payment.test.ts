import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cancelPayment, mayCancel, pay } from '../src/domain/payment.ts';

const request = { orderId: 5, productId: 1001, qty: 2, customerId: 'customer1' };

describe('Payment', () => {
  it('pays: OrderApproved, announced as Paid with the rental', () => {
    const decision = pay(9, request);
    assert.ok(decision.ok);
    assert.equal(decision.state.status, 'OrderApproved');
    assert.deepEqual(decision.events, [
      { type: 'Paid', data: { id: 9, ...request, status: 'OrderApproved' } },
    ]);
  });

  it('cancels once: PaymentCanceled naming the cancellation and why; a second cancel is refused', () => {
    const paid = pay(9, request);
    assert.ok(paid.ok);
    const cancelled = cancelPayment(paid.state, 4, 'RentalCancelled');
    assert.ok(cancelled.ok);
    assert.equal(cancelled.state.status, 'Cancelled');
    assert.deepEqual(cancelled.events, [
      {
        type: 'PaymentCanceled',
        data: { id: 9, orderId: 5, paymentCancellationId: 4, status: 'Cancelled', reason: 'RentalCancelled' },
      },
    ]);
    const again = cancelPayment(cancelled.state, 5, 'RentalCancelled');
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'PAYMENT.ALREADY_CANCELLED');
  });

  it('may be cancelled only for its own rental, and for its own customer when one is named', () => {
    const paid = pay(9, request);
    assert.ok(paid.ok);
    assert.ok(mayCancel(paid.state, { orderId: 5 }));
    assert.ok(mayCancel(paid.state, { orderId: 5, paymentId: 9, customerId: 'customer1' }));
    assert.ok(!mayCancel(paid.state, { orderId: 6 }));
    assert.ok(!mayCancel(paid.state, { orderId: 5, paymentId: 8 }));
    assert.ok(!mayCancel(paid.state, { orderId: 5, customerId: 'customer2' }));
  });
});
