import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CleanManage, observe, register, requestAssignment } from '../src/domain/clean-manage.ts';

const registration = { orderId: 3, customerId: 'customer1', tel: '010', location: 'seoul', cost: 100 };
const registered = (): CleanManage => ({ id: 1, ...register(registration) });

describe('CleanManage', () => {
  it('asks for an assignment once, after the request was saved', () => {
    const first = requestAssignment(registered());
    assert.equal(first.state.assignmentRequested, true);
    assert.deepEqual(first.events, [{ type: 'AssignmentRequested', data: { id: 1, ...registration } }]);
    assert.deepEqual(requestAssignment(first.state).events, [], 'never twice');
  });

  it('asks for nobody once the request was withdrawn or cancelled', () => {
    assert.deepEqual(requestAssignment(observe(registered(), { status: 'Withdrawn' })).events, []);
    assert.deepEqual(requestAssignment(observe(registered(), { status: 'Cancelled' })).events, []);
  });

  it('shows what the others decided, forward only', () => {
    const confirmed = observe(registered(), { status: 'Confirmed', cleaner: { id: 9, name: 'Kim' } });
    assert.equal(confirmed.status, 'Confirmed');
    assert.equal(confirmed.cleanerName, 'Kim');
    const cancelled = observe(confirmed, { status: 'Cancelled' });
    assert.equal(cancelled.status, 'Cancelled');
    assert.equal(observe(cancelled, { status: 'Confirmed', cleaner: { id: 2, name: 'Lee' } }), cancelled);
  });
});
