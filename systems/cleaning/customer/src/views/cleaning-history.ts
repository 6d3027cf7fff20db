/**
 * CleaningHistory (CQRS, requirement 8): one row per request of a customer, with its state and
 * the assigned cleaner, built only from events. Pure: folds one event into the row. The status
 * only moves forward (the endings rank highest), so a late or re-delivered event never undoes a
 * newer one; a cancel crossing a completion ends Completed, as in cleancall.
 */
import { advance } from '@bounded/service-kit';

export type HistoryStatus = 'Requested' | 'Confirmed' | 'NoCleanerAvailable' | 'Cancelled' | 'Completed';

export interface CleaningHistory {
  readonly orderId: number;
  readonly customerId: string | null;
  readonly location: string | null;
  readonly cost: number | null;
  readonly status: HistoryStatus;
  readonly cleanerName: string | null;
  readonly cleanerTel: string | null;
}

const RANK: Record<HistoryStatus, number> = {
  Requested: 1,
  Confirmed: 2,
  NoCleanerAvailable: 8,
  Cancelled: 9,
  Completed: 10,
};

const STATUS_OF: Record<string, HistoryStatus> = {
  CleanCalled: 'Requested',
  CleanerAssigned: 'Confirmed',
  NoCleanerAvailable: 'NoCleanerAvailable',
  CleanCallCancelled: 'Cancelled',
  CleaningCompleted: 'Completed',
};

/** The event types this view listens to. */
export const HISTORY_EVENTS = Object.keys(STATUS_OF);

export function emptyHistory(orderId: number): CleaningHistory {
  return {
    orderId,
    customerId: null,
    location: null,
    cost: null,
    status: 'Requested',
    cleanerName: null,
    cleanerTel: null,
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function project(
  row: CleaningHistory,
  type: string,
  data: Readonly<Record<string, unknown>>,
): CleaningHistory {
  const seen = STATUS_OF[type];
  if (!seen) return row;
  const status = advance(RANK, row.status, seen);
  const moved = status !== row.status;
  return {
    orderId: row.orderId,
    customerId: row.customerId ?? text(data.customerId),
    location: row.location ?? text(data.location),
    cost: row.cost ?? num(data.cost),
    status,
    cleanerName: (moved ? text(data.cleanerName) : null) ?? row.cleanerName,
    cleanerTel: (moved ? text(data.cleanerTel) : null) ?? row.cleanerTel,
  };
}
