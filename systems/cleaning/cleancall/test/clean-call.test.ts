import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CleanCall, cancelCleaning, observe, requestCleaning } from '../src/domain/clean-call.ts';

const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T01:00:00.000Z';
const request = { tel: '01023221353', location: 'seoul', cost: 200000, customerId: 'customer1' };

function requested(): CleanCall {
  const d = requestCleaning(7, request, AT);
  assert.ok(d.ok);
  return d.state;
}

describe('CleanCall', () => {
  it('a request starts Requested and announces CleanCalled with everything consumers need', () => {
    const d = requestCleaning(7, request, AT);
    assert.ok(d.ok);
    assert.equal(d.state.status, 'Requested');
    assert.deepEqual(d.events, [
      { type: 'CleanCalled', data: { id: 7, orderId: 7, ...request, status: 'Requested' } },
    ]);
  });

  it('cancel before and after assignment → Cancelled + CleanCallCancelled; a second cancel → refused', () => {
    const before = cancelCleaning(requested(), LATER);
    assert.ok(before.ok);
    assert.equal(before.state.status, 'Cancelled');
    assert.equal(before.events[0]?.type, 'CleanCallCancelled');
    const confirmed = observe(
      requested(),
      { status: 'Confirmed', cleaner: { name: 'Kim', tel: '010' } },
      LATER,
    );
    const after = cancelCleaning(confirmed, LATER);
    assert.ok(after.ok);
    assert.equal(after.state.cleanerName, 'Kim');
    const again = cancelCleaning(after.state, LATER);
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'CLEANCALL.ALREADY_CANCELLED');
  });

  it('a completed request or one that ended without a cleaner cannot be cancelled', () => {
    const completed = observe(requested(), { status: 'Completed' }, LATER);
    const c = cancelCleaning(completed, LATER);
    assert.ok(!c.ok);
    assert.equal(c.rejection.code, 'CLEANCALL.COMPLETED');
    const none = cancelCleaning(observe(requested(), { status: 'NoCleanerAvailable' }, LATER), LATER);
    assert.ok(!none.ok);
    assert.equal(none.rejection.code, 'CLEANCALL.NO_CLEANER');
  });

  it('statuses only move forward: a late assignment leaves a cancelled request cancelled; a completion crossing a cancel wins', () => {
    const d = cancelCleaning(requested(), LATER);
    assert.ok(d.ok);
    const late = observe(d.state, { status: 'Confirmed', cleaner: { name: 'Kim', tel: '010' } }, LATER);
    assert.equal(late, d.state, 'unchanged');
    assert.equal(observe(d.state, { status: 'Completed' }, LATER).status, 'Completed');
    const confirmed = observe(
      requested(),
      { status: 'Confirmed', cleaner: { name: 'Kim', tel: '010' } },
      LATER,
    );
    assert.equal(
      observe(confirmed, { status: 'Confirmed', cleaner: { name: 'X', tel: '1' } }, LATER),
      confirmed,
    );
  });
});
