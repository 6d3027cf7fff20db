/** The MyPage projection: one row per rental, statuses only forward, events in any order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyMyPage, type MyPage, project } from '../src/views/mypage.ts';

const line = { rentalId: 3, memberId: 'customer1', bookId: 2 };
const fold = (events: Array<[string, Record<string, unknown>]>): MyPage =>
  events.reduce((row, [type, data]) => project(row, type, { ...line, ...data }), emptyMyPage(3));

describe('MyPage', () => {
  it('follows a rental through reserve, rent and return', () => {
    const row = fold([
      ['Reserved', { reqState: 'reserve' }],
      ['Paid', { payStatus: 'Paid' }],
      ['BookReserved', { bookStatus: 'reserved' }],
      ['Rentaled', {}],
      ['BookStatusUpdated', { bookStatus: 'rentaled' }],
      ['Returned', {}],
      ['BookStatusUpdated', { bookStatus: 'returned' }],
    ]);
    assert.deepEqual(row, {
      id: 3,
      memberId: 'customer1',
      bookId: 2,
      reqState: 'return',
      payStatus: 'Paid',
      bookStatus: 'returned',
    });
  });

  it('the same end state in any arrival order (a rejection, its refund, the book’s no)', () => {
    const events: Array<[string, Record<string, unknown>]> = [
      ['Reserved', {}],
      ['Paid', {}],
      ['Rentaled', {}],
      ['ReservationRejected', { reason: 'reserved' }],
      ['RentalRejected', { reason: 'reserved' }],
      ['PaymentRefunded', {}],
    ];
    const expected = fold(events);
    assert.equal(expected.reqState, 'rejected');
    assert.equal(expected.payStatus, 'Refunded');
    assert.equal(expected.bookStatus, 'rejected');
    assert.deepEqual(fold([...events].reverse()), expected);
    assert.deepEqual(
      fold([events[3]!, events[0]!, events[5]!, events[1]!, events[4]!, events[2]!]),
      expected,
    );
  });

  it('a cancel ends refunded on all sides; a re-delivered Reserved does not undo it', () => {
    const row = fold([
      ['Reserved', {}],
      ['RentalCancelled', {}],
      ['PaymentRefunded', {}],
      ['BookStatusUpdated', { bookStatus: 'refunded' }],
      ['Reserved', {}],
      ['Paid', {}],
    ]);
    assert.equal(row.reqState, 'cancel');
    assert.equal(row.payStatus, 'Refunded');
    assert.equal(row.bookStatus, 'refunded');
  });
});
