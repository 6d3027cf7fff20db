/** The Book aggregate's decisions: who holds a book, and how it follows its holder's rental. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Book, followRental, register, reserveBook, retire } from '../src/domain/book.ts';

const line = (rentalId: number, memberId = 'customer1') => ({ rentalId, memberId, bookId: 2 });
const free = (): Book => register(2, '데미안');
const heldBy = (rentalId: number, bookStatus: Book['bookStatus'] = 'reserved'): Book => ({
  ...free(),
  bookStatus,
  memberId: 'customer1',
  rentalId,
});

describe('Book', () => {
  it('a free book (new, returned or refunded) is held by the reservation: BookReserved', () => {
    for (const book of [free(), heldBy(1, 'returned'), heldBy(1, 'refunded')]) {
      const d = reserveBook(book, line(5, 'customer2'));
      assert.ok(d.ok);
      assert.deepEqual(d.state, { ...book, bookStatus: 'reserved', memberId: 'customer2', rentalId: 5 });
      assert.equal(d.events[0]!.type, 'BookReserved');
    }
  });

  it('an unknown, retired, reserved or rented book rejects the reservation, saying why, and stays as it is', () => {
    const cases: Array<[Book | undefined, string]> = [
      [undefined, 'unknown'],
      [{ ...free(), bookStatus: 'retired' }, 'retired'],
      [heldBy(1, 'reserved'), 'reserved'],
      [heldBy(1, 'rentaled'), 'rentaled'],
    ];
    for (const [book, reason] of cases) {
      const d = reserveBook(book, line(5));
      assert.ok(d.ok);
      assert.equal(d.state, book, 'unchanged');
      assert.equal(d.events[0]!.type, 'ReservationRejected');
      assert.equal((d.events[0]!.data as { reason: string }).reason, reason);
    }
  });

  it('the same reservation seen again changes nothing', () => {
    assert.ok(!reserveBook(heldBy(5), line(5)).ok);
  });

  it('follows its holder: reserved → rentaled → returned; reserved → refunded; not another rental', () => {
    const rented = followRental(heldBy(5), 'Rentaled', line(5));
    assert.ok(rented.ok);
    assert.equal(rented.state.bookStatus, 'rentaled');
    const returned = followRental(rented.state, 'Returned', line(5));
    assert.ok(returned.ok);
    assert.equal(returned.state.bookStatus, 'returned');
    const refunded = followRental(heldBy(5), 'RentalCancelled', line(5));
    assert.ok(refunded.ok);
    assert.equal(refunded.state.bookStatus, 'refunded');
    assert.equal(refunded.events[0]!.type, 'BookStatusUpdated');
    assert.ok(!followRental(heldBy(5), 'Rentaled', line(6)).ok, 'a rejected rental moves nothing');
    assert.ok(!followRental(heldBy(5, 'rentaled'), 'Rentaled', line(5)).ok, 'seen already');
    assert.ok(!followRental(undefined, 'Returned', line(5)).ok);
  });

  it('staff retire a free book, not a held one', () => {
    const d = retire(free());
    assert.ok(d.ok);
    assert.equal(d.state.bookStatus, 'retired');
    const held = retire(heldBy(5, 'rentaled'));
    assert.ok(!held.ok);
    assert.equal(held.rejection.code, 'BOOK.HELD');
    assert.ok(!retire(d.state).ok);
  });
});
