/**
 * The Book aggregate: one copy in the catalogue and who holds it. Pure: the book's row is read
 * (locked) by the policy, which writes back what is decided here.
 *
 * WHERE "WHO HOLDS THE BOOK" IS DECIDED. Only here, on the book's own row: a reservation
 * (Reserved, from rental) takes the book only if it is free, in the same transaction that
 * marks it held (SELECT … FOR UPDATE on PostgreSQL/MySQL, BEGIN IMMEDIATE on SQLite), so of two
 * members reserving one free book at once — even handled by two replicas of this service —
 * exactly one sees it free; the other is rejected (ReservationRejected → the rental ends
 * rejected and payment refunds it). Afterwards the book follows only its holder's rental:
 * events of a rejected rental (rented or returned while book was down) change nothing.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { BookStatus, LibraryEvent, RejectionReason, RentalLine } from '../../../events.ts';

export interface Book {
  readonly id: number;
  readonly title: string;
  readonly bookStatus: BookStatus;
  /** The holder (or last holder) of the book; null before anyone reserved it. */
  readonly memberId: string | null;
  readonly rentalId: number | null;
}

type BookDecision = Decision<Book, LibraryEvent>;

const FREE: readonly BookStatus[] = ['available', 'returned', 'refunded'];

export const isFree = (book: Book): boolean => FREE.includes(book.bookStatus);

/** Staff register a copy: free until someone reserves it. */
export function register(id: number, title: string): Book {
  return { id, title, bookStatus: 'available', memberId: null, rentalId: null };
}

/**
 * A member's reservation asks for the book (`book` undefined: no such book). Free → held by this
 * rental; otherwise the reservation is rejected, saying why.
 */
export function reserveBook(
  book: Book | undefined,
  line: RentalLine,
): Decision<Book | undefined, LibraryEvent> {
  // A rejection leaves the book as it is (the same state object: nothing to write).
  const rejected = (reason: RejectionReason, message: string) =>
    accept<Book | undefined, LibraryEvent>(book, [
      { type: 'ReservationRejected', data: { ...line, id: line.bookId, reason, message } },
    ]);
  if (!book) return rejected('unknown', `there is no book ${line.bookId}`);
  if (book.rentalId === line.rentalId && !isFree(book)) {
    return refuse('BOOK.ALREADY_HELD', `book ${book.id} is already held by rental ${line.rentalId}`);
  }
  if (book.bookStatus === 'retired') return rejected('retired', `book ${book.id} is retired`);
  if (book.bookStatus === 'reserved' || book.bookStatus === 'rentaled') {
    return rejected(
      book.bookStatus,
      `book ${book.id} is ${book.bookStatus === 'reserved' ? 'reserved' : 'rented'} by another member`,
    );
  }
  const held: Book = { ...book, bookStatus: 'reserved', memberId: line.memberId, rentalId: line.rentalId };
  return accept(held, [{ type: 'BookReserved', data: { ...line, id: book.id, bookStatus: 'reserved' } }]);
}

/** What the holder's rental did to the book: from which status, to which. */
const FOLLOWS = {
  Rentaled: { from: 'reserved', to: 'rentaled' },
  Returned: { from: 'rentaled', to: 'returned' },
  RentalCancelled: { from: 'reserved', to: 'refunded' },
} as const;
export type RentalMove = keyof typeof FOLLOWS;

/**
 * The book follows its holder's rental (seed: rentaled, returned, refunded). Refused — nothing
 * to change — when the rental is not the holder (it was rejected) or the move was seen already.
 */
export function followRental(book: Book | undefined, move: RentalMove, line: RentalLine): BookDecision {
  if (!book || book.rentalId !== line.rentalId) {
    return refuse('BOOK.NOT_HOLDER', `rental ${line.rentalId} does not hold book ${line.bookId}`);
  }
  const { from, to } = FOLLOWS[move];
  if (book.bookStatus !== from) {
    return refuse('BOOK.ALREADY_MOVED', `book ${book.id} is ${book.bookStatus}, not ${from}`);
  }
  return accept({ ...book, bookStatus: to }, [
    { type: 'BookStatusUpdated', data: { ...line, id: book.id, bookStatus: to } },
  ]);
}

/** Staff take a book out of the catalogue; not while a member holds it. */
export function retire(book: Book): BookDecision {
  if (book.bookStatus === 'retired')
    return refuse('BOOK.ALREADY_RETIRED', `book ${book.id} is already retired`);
  if (!isFree(book)) {
    return refuse(
      'BOOK.HELD',
      `book ${book.id} is ${book.bookStatus} by member ${book.memberId} (rental ${book.rentalId}): it can be retired once returned or cancelled`,
    );
  }
  return accept({ ...book, bookStatus: 'retired' }, []);
}
