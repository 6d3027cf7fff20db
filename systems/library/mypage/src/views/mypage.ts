/**
 * MyPage (CQRS view): one row per rental — the member's book, the rental's state, the payment's
 * and the book's — built only from events. Pure: folds one event into the row. Every status
 * only moves forward (`advance`), so a late or re-delivered event never undoes a newer one,
 * and events of rental, payment and book may arrive in any order.
 */
import { advance } from '@bounded/service-kit';
import type { PayStatus, ReqState } from '../../../events.ts';

/** The book's side of this rental: `rejected` when the book went to someone else (or none). */
export type MyBookStatus = 'reserved' | 'rentaled' | 'returned' | 'refunded' | 'rejected';

export interface MyPage {
  /** = the rental id (as the seed's `GET /mypages/{id}` used it). */
  readonly id: number;
  readonly memberId: string | null;
  readonly bookId: number | null;
  readonly reqState: ReqState | null;
  readonly payStatus: PayStatus | null;
  readonly bookStatus: MyBookStatus | null;
}

// cancel and rejected are both final, and a rental never has both.
const REQ_RANK: Record<ReqState, number> = { reserve: 0, rental: 1, return: 2, cancel: 9, rejected: 9 };
const PAY_RANK: Record<PayStatus, number> = { Paid: 1, Refunded: 9 };
const BOOK_RANK: Record<MyBookStatus, number> = {
  reserved: 1,
  rentaled: 2,
  returned: 3,
  refunded: 3,
  rejected: 9,
};

const REQ_STATE_OF: Partial<Record<string, ReqState>> = {
  Reserved: 'reserve',
  Rentaled: 'rental',
  Returned: 'return',
  RentalCancelled: 'cancel',
  RentalRejected: 'rejected',
};
const PAY_STATUS_OF: Partial<Record<string, PayStatus>> = { Paid: 'Paid', PaymentRefunded: 'Refunded' };

/** The event types this view listens to. */
export const MY_PAGE_EVENTS = [
  'Reserved',
  'Rentaled',
  'Returned',
  'RentalCancelled',
  'RentalRejected',
  'Paid',
  'PaymentRefunded',
  'BookReserved',
  'BookStatusUpdated',
  'ReservationRejected',
] as const;

export function emptyMyPage(rentalId: number): MyPage {
  return { id: rentalId, memberId: null, bookId: null, reqState: null, payStatus: null, bookStatus: null };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function bookStatusOf(type: string, data: Readonly<Record<string, unknown>>): MyBookStatus | undefined {
  if (type === 'ReservationRejected') return 'rejected';
  if (type === 'BookReserved' || type === 'BookStatusUpdated') {
    const status = data.bookStatus;
    if (status === 'reserved' || status === 'rentaled' || status === 'returned' || status === 'refunded') {
      return status;
    }
  }
  return undefined;
}

export function project(row: MyPage, type: string, data: Readonly<Record<string, unknown>>): MyPage {
  const reqState = REQ_STATE_OF[type];
  const payStatus = PAY_STATUS_OF[type];
  const bookStatus = bookStatusOf(type, data);
  return {
    id: row.id,
    memberId: row.memberId ?? text(data.memberId),
    bookId: row.bookId ?? num(data.bookId),
    reqState: reqState ? advance(REQ_RANK, row.reqState, reqState) : row.reqState,
    payStatus: payStatus ? advance(PAY_RANK, row.payStatus, payStatus) : row.payStatus,
    bookStatus: bookStatus ? advance(BOOK_RANK, row.bookStatus, bookStatus) : row.bookStatus,
  };
}
