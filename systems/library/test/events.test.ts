// The library's catalog: a keyless event (a seed-generated producer's) is correlated by its
// payload — also by the seed's misspelt rendtalId — and never as rental 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payloadOf, rentalIdOf, toNewEvent } from '../events.ts';

describe('library events', () => {
  it('are keyed by the rental id', () => {
    const line = { rentalId: 12, bookId: 2, memberId: 'customer1' };
    const event = toNewEvent({ type: 'BookReserved', data: { ...line, id: 2, bookStatus: 'reserved' } });
    assert.equal(event.key, '12');
  });

  it('correlate a keyless event by rentalId or the seed’s rendtalId, never as 0', () => {
    assert.equal(rentalIdOf({ key: '', type: 'BookReserved', data: { id: 2, rentalId: 12 } }), 12);
    assert.equal(rentalIdOf({ key: '', type: 'BookStatusUpdated', data: { id: 2, rendtalId: 13 } }), 13);
    assert.throws(() => rentalIdOf({ key: '', type: 'BookReserved', data: { id: 2 } }));
    assert.equal(payloadOf('BookReserved', { id: 2, rendtalId: 13 }).rentalId, 13);
  });
});
