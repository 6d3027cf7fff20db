/**
 * The Rental aggregate: a member's reservation of a book, through renting and returning it, or
 * its cancel — and its rejection, which the book service decides later. Pure: the id, the
 * payment and the caller come from the command; nothing here reads a clock or does I/O.
 *
 * WHY A RESERVATION IS TAKEN WITHOUT ASKING THE BOOK SERVICE. Reservations must be taken while
 * book is down (fault isolation), so the rental cannot know whether the book is free. It takes
 * the reservation (paid synchronously), and the book service decides on its own row, in one
 * transaction, whether this rental holds the book (domain/book.ts there). A reservation that
 * turns out unknown, retired or held by someone else is rejected by an event: `reject` below
 * ends the rental `rejected` (whatever the member did with it meanwhile, but a cancel, which
 * was already refunded), and RentalRejected makes payment refund it.
 */
import { accept, type Caller, type Decision, refuse } from '@bounded/service-kit';
import type { LibraryEvent, RejectionReason, RentalLine, ReqState } from '../../../events.ts';

export interface Rental {
  readonly id: number;
  readonly memberId: string;
  readonly bookId: number;
  readonly reqState: ReqState;
  /** Why the book service turned it down; null unless rejected. */
  readonly rejectReason: RejectionReason | null;
}

/** What a member may ask of a rental (`PATCH /rentals/{id} reqState=…`). */
export type RentalRequest = 'rental' | 'return' | 'cancel';
export const RENTAL_REQUESTS: readonly RentalRequest[] = ['rental', 'return', 'cancel'];

type RentalDecision = Decision<Rental, LibraryEvent>;

/** What each state allows, and how the state is said to a member. */
const ALLOWED: Record<ReqState, readonly RentalRequest[]> = {
  reserve: ['rental', 'cancel'],
  rental: ['return'],
  return: [],
  cancel: [],
  rejected: [],
};
const DESCRIBED: Record<ReqState, string> = {
  reserve: 'reserved',
  rental: 'rented',
  return: 'returned',
  cancel: 'cancelled',
  rejected: 'rejected',
};

const lineOf = (r: Rental): RentalLine => ({ rentalId: r.id, memberId: r.memberId, bookId: r.bookId });

/** The member reserves a book; the payment already went through (the command made it first). */
export function reserve(id: number, memberId: string, bookId: number): RentalDecision {
  const rental: Rental = { id, memberId, bookId, reqState: 'reserve', rejectReason: null };
  return accept(rental, [{ type: 'Reserved', data: { ...lineOf(rental), id, reqState: 'reserve' } }]);
}

/** The member's request on their rental: rent the reserved book, return it, or cancel. */
export function request(rental: Rental, wanted: RentalRequest): RentalDecision {
  if (!ALLOWED[rental.reqState].includes(wanted)) return refuse(...illegal(rental, wanted));
  const data = { ...lineOf(rental), id: rental.id };
  switch (wanted) {
    case 'rental':
      return accept({ ...rental, reqState: 'rental' }, [
        { type: 'Rentaled', data: { ...data, reqState: 'rental' } },
      ]);
    case 'return':
      return accept({ ...rental, reqState: 'return' }, [
        { type: 'Returned', data: { ...data, reqState: 'return' } },
      ]);
    case 'cancel':
      return accept({ ...rental, reqState: 'cancel' }, [
        { type: 'RentalCancelled', data: { ...data, reqState: 'cancel' } },
      ]);
  }
}

function illegal(rental: Rental, wanted: RentalRequest): [string, string] {
  const allowed = ALLOWED[rental.reqState];
  const now = `rental ${rental.id} is ${DESCRIBED[rental.reqState]} (reqState=${rental.reqState})`;
  const allows =
    allowed.length === 0
      ? 'it is finished and allows no further request'
      : `it allows only ${allowed.map((a) => `reqState=${a}`).join(' or ')}`;
  return ['RENTAL.ILLEGAL_TRANSITION', `${now}: ${allows}, not reqState=${wanted}`];
}

/**
 * The book service turned the reservation down. Ends the rental rejected unless the member
 * cancelled it first (already refunded; nothing more to undo); a second rejection is a no-op.
 */
export function reject(rental: Rental, reason: RejectionReason): RentalDecision {
  if (rental.reqState === 'cancel') {
    return refuse(
      'RENTAL.ALREADY_CANCELLED',
      `rental ${rental.id} was cancelled before the book service decided`,
    );
  }
  if (rental.reqState === 'rejected') {
    return refuse('RENTAL.ALREADY_REJECTED', `rental ${rental.id} is already rejected`);
  }
  const rejected: Rental = { ...rental, reqState: 'rejected', rejectReason: reason };
  return accept(rejected, [
    { type: 'RentalRejected', data: { ...lineOf(rental), id: rental.id, reqState: 'rejected', reason } },
  ]);
}

export type MemberDecision =
  | { readonly ok: true; readonly memberId: string | undefined }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Who the reservation is for. Through the gateway it is the caller (a body naming the caller is
 * fine, another member is refused); a direct loopback call names the member in the body, as
 * the seed's `http POST :8081/rentals memberId=2 bookId=2` did (undefined: the body must say).
 */
export function memberFor(caller: Caller, named: string | undefined): MemberDecision {
  if (caller.kind === 'direct') return { ok: true, memberId: named };
  if (named === undefined || named === caller.name || caller.isAdmin) {
    return { ok: true, memberId: named ?? caller.name };
  }
  return {
    ok: false,
    code: 'RENTAL.NOT_YOURS',
    message: `signed in as ${caller.name}, you cannot reserve for member ${named}: leave memberId out or send your own`,
  };
}
