/**
 * The CleanCall aggregate: the customer's request for a cleaning (where, for how much, how to
 * reach them) and where it stands. Pure: the id, the operations registration and the clock
 * (`at`, an ISO time) come from the command; nothing here reads a clock or does I/O.
 *
 * Who decides what: the customer's cancel is decided here, on this row; the assignment, its
 * failure for want of a free cleaner and the completion are decided by cleanassign (which owns
 * the cleaners) and only observed here. A status only moves forward along STATUS_RANK, so late
 * or re-delivered events never undo a newer state. The one crossing that can happen — the
 * customer cancels here while the cleaner completes there — ends Completed: the cleaning was
 * done, which cleanassign knows and this service does not yet.
 */
import { accept, advance, type Decision, refuse } from '@bounded/service-kit';
import type { CleaningEvent, RequestLine } from '../../../events.ts';

export type CleanCallStatus = 'Requested' | 'Confirmed' | 'NoCleanerAvailable' | 'Cancelled' | 'Completed';

export interface CleanCallRequest {
  readonly tel: string;
  readonly location: string;
  readonly cost: number;
  readonly customerId: string | null;
}

export interface CleanCall extends CleanCallRequest {
  readonly id: number;
  readonly status: CleanCallStatus;
  /** The assigned cleaner, as the customer is told (null until assigned). */
  readonly cleanerName: string | null;
  readonly cleanerTel: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type CleanCallDecision = Decision<CleanCall, CleaningEvent>;

const STATUS_RANK: Record<CleanCallStatus, number> = {
  Requested: 1,
  Confirmed: 2,
  NoCleanerAvailable: 8,
  Cancelled: 9,
  Completed: 10,
};

const lineOf = (call: CleanCall): RequestLine => ({
  orderId: call.id,
  customerId: call.customerId,
  tel: call.tel,
  location: call.location,
  cost: call.cost,
});

/** A request exists only once operations registered it (the sync call went through). */
export function requestCleaning(id: number, request: CleanCallRequest, at: string): CleanCallDecision {
  const call: CleanCall = {
    id,
    ...request,
    status: 'Requested',
    cleanerName: null,
    cleanerTel: null,
    createdAt: at,
    updatedAt: at,
  };
  return accept(call, [{ type: 'CleanCalled', data: { id, ...lineOf(call), status: 'Requested' } }]);
}

/** The customer cancels (requirement 7): refused once it is done, cancelled or ended unassigned. */
export function cancelCleaning(call: CleanCall, at: string): CleanCallDecision {
  switch (call.status) {
    case 'Cancelled':
      return refuse('CLEANCALL.ALREADY_CANCELLED', `cleaning request ${call.id} is already cancelled`);
    case 'Completed':
      return refuse('CLEANCALL.COMPLETED', `cleaning request ${call.id} is already completed`);
    case 'NoCleanerAvailable':
      return refuse(
        'CLEANCALL.NO_CLEANER',
        `cleaning request ${call.id} ended without a cleaner: there is nothing to cancel, request again`,
      );
    default: {
      const cancelled: CleanCall = { ...call, status: 'Cancelled', updatedAt: at };
      return accept(cancelled, [
        { type: 'CleanCallCancelled', data: { id: call.id, ...lineOf(call), status: 'Cancelled' } },
      ]);
    }
  }
}

/** What cleanassign decided, as this request learns it (with the cleaner, when there is one). */
export interface Observation {
  readonly status: 'Confirmed' | 'NoCleanerAvailable' | 'Completed';
  readonly cleaner?: { readonly name: string; readonly tel: string };
}

export function observe(call: CleanCall, seen: Observation, at: string): CleanCall {
  const status = advance(STATUS_RANK, call.status, seen.status);
  if (status === call.status) return call;
  const cleaner = seen.cleaner ? { cleanerName: seen.cleaner.name, cleanerTel: seen.cleaner.tel } : {};
  return { ...call, ...cleaner, status, updatedAt: at };
}
