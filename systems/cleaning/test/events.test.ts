// The cleaning catalog: a keyless event (a generated producer's) is correlated by its payload's
// orderId (the request id), and an event naming none is refused — never read as request 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderIdOf } from '../events.ts';

describe('cleaning events', () => {
  it('correlate by the key, else by the payload’s orderId, never as 0', () => {
    assert.equal(orderIdOf({ key: '5', type: 'CleanCalled', data: {} }), 5);
    assert.equal(orderIdOf({ key: '', type: 'CleaningCompleted', data: { id: 9, orderId: 6 } }), 6);
    assert.throws(() => orderIdOf({ key: '', type: 'CleaningCompleted', data: { id: 9 } }));
  });
});
