/**
 * The library event catalog: every event that crosses services, with its payload. Names and
 * fields follow the seed (MSAEz: `Reserved`, `Paid`, the book's `statusUpdated`), ours for the
 * rest. Every event names its rental (`rentalId`), which is also the bus key, so one rental's
 * events stay in order within a producer; `id` is the emitting aggregate's id.
 */
import { type EventOf, eventCatalog } from '@bounded/service-kit';

/** A rental's state, as the seed's `reqState` names it (ours adds `rejected`). */
export type ReqState = 'reserve' | 'rental' | 'return' | 'cancel' | 'rejected';
/** A book's state (seed values); `returned` and `refunded` mean available again. */
export type BookStatus = 'available' | 'reserved' | 'rentaled' | 'returned' | 'refunded' | 'retired';
export type PayStatus = 'Paid' | 'Refunded';
/** Why the book service turned a reservation down. */
export type RejectionReason = 'unknown' | 'retired' | 'reserved' | 'rentaled';

/** Who rents which book under which rental: on every event, so consumers need no lookups. */
export interface RentalLine {
  readonly rentalId: number;
  readonly memberId: string;
  readonly bookId: number;
}

export interface EventPayloads {
  /** rental: a member reserved a book (and paid, synchronously). `id` = rental id. */
  Reserved: RentalLine & { id: number; reqState: 'reserve' };
  /** rental: the member took the reserved book home. */
  Rentaled: RentalLine & { id: number; reqState: 'rental' };
  /** rental: the member brought it back. */
  Returned: RentalLine & { id: number; reqState: 'return' };
  /** rental: the member cancelled the reservation: refund, the book is free again. */
  RentalCancelled: RentalLine & { id: number; reqState: 'cancel' };
  /** rental: the book service turned the reservation down: refund, the rental ends rejected. */
  RentalRejected: RentalLine & { id: number; reqState: 'rejected'; reason: RejectionReason };
  /** rental: the rental could not be saved after its payment went through; payment refunds it. */
  PaymentCompensationRequested: { rentalId: number; paymentId: number; reason: string };
  /** payment: the reservation is paid (seed: Paid). `id` = payment id (= rental id, as in the seed). */
  Paid: RentalLine & { id: number; reqState: 'reserve'; payStatus: 'Paid' };
  /** payment: a payment was given back, after a cancel, a rejection or a compensation. */
  PaymentRefunded: {
    id: number;
    rentalId: number;
    memberId: string;
    bookId: number;
    payStatus: 'Refunded';
    reason: 'RentalCancelled' | 'RentalRejected' | 'Compensation';
  };
  /** book: the book is held for this rental (it was free). `id` = book id. */
  BookReserved: RentalLine & { id: number; bookStatus: 'reserved' };
  /** book: the reservation cannot have the book (unknown, retired, or someone else holds it). */
  ReservationRejected: RentalLine & { id: number; reason: RejectionReason; message: string };
  /** book: the held book follows its rental (seed: statusUpdated): rented, returned or refunded. */
  BookStatusUpdated: RentalLine & { id: number; bookStatus: 'rentaled' | 'returned' | 'refunded' };
}

export type EventType = keyof EventPayloads;

/** An event as a command decides it: type, payload; the bus key is always the rental id. */
export type LibraryEvent = EventOf<EventPayloads>;

/**
 * The outbox's shape of a decided event (key = rental id); a delivered payload as the catalog
 * says it is — the seed's book spelled the rental's id `rendtalId`, and an event from a
 * seed-generated service carrying only that spelling is read as `rentalId`, so the two
 * generations can share the topic; and the rental id of a delivered event (its key, else the
 * payload's rentalId or rendtalId — never rental 0).
 */
export const {
  toNewEvent,
  payloadOf,
  idOf: rentalIdOf,
} = eventCatalog<EventPayloads>({
  key: 'rentalId',
  name: 'rental id',
  fallback: ['rentalId', 'rendtalId'],
  read: (data) =>
    data.rentalId === undefined && data.rendtalId !== undefined
      ? { ...data, rentalId: Number(data.rendtalId) }
      : data,
});
