/**
 * CleanManage: operations' record of one cleaning request (seed: Cleanmanage, with the request's
 * id as `orderId`). Registered synchronously by cleancall before the request exists there;
 * once cleancall has saved the request (CleanCalled), operations asks for an assignment; from
 * then on it follows what cleanassign and the customer decided. Pure. A status only moves
 * forward along STATUS_RANK (a late or re-delivered event never undoes a newer one).
 */
import { advance } from '@bounded/service-kit';
import type { CleaningEvent, RequestLine } from '../../../events.ts';

export type CleanManageStatus =
  | 'Requested'
  | 'Confirmed'
  | 'NoCleanerAvailable'
  | 'Withdrawn'
  | 'Cancelled'
  | 'Completed';

export interface Registration {
  readonly orderId: number;
  readonly customerId: string | null;
  readonly tel: string;
  readonly location: string;
  readonly cost: number;
}

export interface CleanManage extends Registration {
  readonly id: number;
  readonly status: CleanManageStatus;
  /** Whether operations has asked cleanassign for a cleaner (once per request). */
  readonly assignmentRequested: boolean;
  readonly cleanerId: number | null;
  readonly cleanerName: string | null;
}

const STATUS_RANK: Record<CleanManageStatus, number> = {
  Requested: 1,
  Confirmed: 2,
  NoCleanerAvailable: 8,
  Withdrawn: 9,
  Cancelled: 9,
  Completed: 10,
};

/** A new registration: waiting for cleancall to save the request before a cleaner is asked for. */
export function register(registration: Registration): Omit<CleanManage, 'id'> {
  return {
    ...registration,
    status: 'Requested',
    assignmentRequested: false,
    cleanerId: null,
    cleanerName: null,
  };
}

const lineOf = (m: CleanManage): RequestLine => ({
  orderId: m.orderId,
  customerId: m.customerId,
  tel: m.tel,
  location: m.location,
  cost: m.cost,
});

/**
 * The request was saved by cleancall: ask for a cleaner — once, and not for a request that was
 * withdrawn or cancelled meanwhile (nothing to assign).
 */
export function requestAssignment(m: CleanManage): { state: CleanManage; events: readonly CleaningEvent[] } {
  if (m.assignmentRequested || m.status !== 'Requested') return { state: m, events: [] };
  return {
    state: { ...m, assignmentRequested: true },
    events: [{ type: 'AssignmentRequested', data: { id: m.id, ...lineOf(m) } }],
  };
}

export interface Observation {
  readonly status: Exclude<CleanManageStatus, 'Requested'>;
  readonly cleaner?: { readonly id: number; readonly name: string };
}

/** What the others decided (assigned, none free, cancelled, done, withdrawn), as operations shows it. */
export function observe(m: CleanManage, seen: Observation): CleanManage {
  const status = advance(STATUS_RANK, m.status, seen.status);
  if (status === m.status) return m;
  const cleaner = seen.cleaner ? { cleanerId: seen.cleaner.id, cleanerName: seen.cleaner.name } : {};
  return { ...m, ...cleaner, status };
}
