import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assign,
  type Cleaner,
  cancelAssignment,
  cancelledBeforeAssignment,
  completeAssignment,
  occupy,
  registerCleaner,
  release,
} from '../src/domain/pool.ts';

const AT = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T02:00:00.000Z';
const line = { orderId: 5, customerId: 'customer1', tel: '010', location: 'seoul', cost: 100 };
const kim: Cleaner = { id: 1, ...registerCleaner({ name: 'Kim', tel: '0101', username: 'cleaner1' }, AT) };

describe('the cleaner pool', () => {
  it('a new cleaner is idle from their registration; busy while assigned; idle again from when it ended', () => {
    assert.equal(kim.status, 'Idle');
    assert.equal(kim.idleSince, AT);
    assert.equal(occupy(kim).status, 'Busy');
    const freed = release(occupy(kim), LATER);
    assert.deepEqual([freed.status, freed.idleSince], ['Idle', LATER]);
  });

  it('assigning a cleaner holds them (activeCleanerId) and announces their name and tel', () => {
    const { state, events } = assign(5, line, occupy(kim), AT);
    assert.equal(state.status, 'Assigned');
    assert.equal(state.activeCleanerId, 1);
    assert.deepEqual(events, [
      {
        type: 'CleanerAssigned',
        data: { id: 5, ...line, cleanerId: 1, cleanerName: 'Kim', cleanerTel: '0101', status: 'Assigned' },
      },
    ]);
  });

  it('nobody free → NoCleanerAvailable at once, holding nobody', () => {
    const { state, events } = assign(5, line, undefined, AT);
    assert.equal(state.status, 'NoCleanerAvailable');
    assert.equal(state.activeCleanerId, null);
    assert.equal(events[0]?.type, 'NoCleanerAvailable');
  });

  it('completing ends the assignment and lets go of the cleaner; twice or after a cancel → refused', () => {
    const { state } = assign(5, line, occupy(kim), AT);
    const done = completeAssignment(state, LATER);
    assert.ok(done.ok);
    assert.equal(done.state.activeCleanerId, null);
    assert.equal(done.events[0]?.type, 'CleaningCompleted');
    const again = completeAssignment(done.state, LATER);
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'ASSIGNMENT.ALREADY_COMPLETED');
    const cancelled = cancelAssignment(state, LATER).state;
    const late = completeAssignment(cancelled, LATER);
    assert.ok(!late.ok);
    assert.equal(late.rejection.code, 'ASSIGNMENT.CANCELLED');
    const none = completeAssignment(assign(5, line, undefined, AT).state, LATER);
    assert.ok(!none.ok);
  });

  it('a cancel frees a live assignment only; an ended one stays as it is', () => {
    const live = assign(5, line, occupy(kim), AT).state;
    const c = cancelAssignment(live, LATER);
    assert.equal(c.state.status, 'Cancelled');
    assert.equal(c.state.activeCleanerId, null);
    assert.equal(c.events[0]?.type, 'AssignmentCancelled');
    assert.deepEqual(cancelAssignment(c.state, LATER).events, []);
    assert.deepEqual(cancelAssignment(assign(5, line, undefined, AT).state, LATER).events, []);
    const tomb = cancelledBeforeAssignment(5, line, AT);
    assert.deepEqual([tomb.status, tomb.cleanerId], ['Cancelled', null]);
  });
});
