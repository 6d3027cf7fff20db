/**
 * The pool of cleaners and the assignment of one to a cleaning request. Pure: ids, the clock
 * (`at`) and the candidate cleaner come from the command.
 *
 * HOW A CLEANER IS NEVER ASSIGNED TWICE. A cleaner is `Idle` or `Busy`; an assignment takes an
 * idle cleaner and makes them busy in the same transaction that stores it, and the command
 * claims the cleaner with a conditional write (`UPDATE … SET status='Busy' WHERE id=? AND
 * status='Idle'`, one row or none): when replicas race for the same cleaner, exactly one write
 * changes the row, the others change nothing and take the next candidate. The database says it
 * too: an assignment holds its cleaner in a unique column (`activeCleanerId`) only while it is
 * Assigned, so a second live assignment of one cleaner cannot be stored at all.
 *
 * The cleaner idle longest is asked first (`idleSince`, set at registration and whenever an
 * assignment ends; the command's query orders by it). An assignment's id is its request's id:
 * one assignment per request, whichever replica handles it. Nobody idle → the request ends NoCleanerAvailable at once: it never waits
 * in a queue nobody watches, and the customer may ask again.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { CleanerLine, CleaningEvent, RequestLine } from '../../../events.ts';

export type CleanerStatus = 'Idle' | 'Busy';
export type AssignmentStatus = 'Assigned' | 'NoCleanerAvailable' | 'Completed' | 'Cancelled';

export interface Cleaner {
  readonly id: number;
  readonly name: string;
  readonly tel: string;
  /** The cleaner's login (their assignments are theirs to see and complete); null if they have none. */
  readonly username: string | null;
  readonly status: CleanerStatus;
  /** Since when the cleaner is idle (ISO time); the longest idle is asked first. */
  readonly idleSince: string;
}

export interface Assignment extends RequestLine {
  readonly id: number;
  readonly status: AssignmentStatus;
  readonly cleanerId: number | null;
  readonly cleanerName: string | null;
  readonly cleanerTel: string | null;
  readonly cleanerUsername: string | null;
  /** The cleaner this assignment holds: set only while Assigned (unique in the table). */
  readonly activeCleanerId: number | null;
  readonly updatedAt: string;
}

type AssignmentDecision = Decision<Assignment, CleaningEvent>;
/** What a decision that cannot be refused gives: the new state and its events (maybe none). */
export interface Outcome {
  readonly state: Assignment;
  readonly events: readonly CleaningEvent[];
}

/** A new cleaner: idle from `at`, so last in the queue of idle cleaners. */
export function registerCleaner(
  cleaner: { name: string; tel: string; username: string | null },
  at: string,
): Omit<Cleaner, 'id'> {
  return { ...cleaner, status: 'Idle', idleSince: at };
}

const cleanerLineOf = (c: Cleaner): CleanerLine => ({
  cleanerId: c.id,
  cleanerName: c.name,
  cleanerTel: c.tel,
});
const requestOf = (a: RequestLine): RequestLine => ({
  orderId: a.orderId,
  customerId: a.customerId,
  tel: a.tel,
  location: a.location,
  cost: a.cost,
});

/**
 * Assigns `cleaner` (already claimed by the command) to the request, or — with no cleaner free —
 * ends the request NoCleanerAvailable.
 */
export function assign(id: number, request: RequestLine, cleaner: Cleaner | undefined, at: string): Outcome {
  const line = requestOf(request);
  if (!cleaner) {
    const none: Assignment = {
      id,
      ...line,
      status: 'NoCleanerAvailable',
      cleanerId: null,
      cleanerName: null,
      cleanerTel: null,
      cleanerUsername: null,
      activeCleanerId: null,
      updatedAt: at,
    };
    return {
      state: none,
      events: [{ type: 'NoCleanerAvailable', data: { id, ...line, status: 'NoCleanerAvailable' } }],
    };
  }
  const assigned: Assignment = {
    id,
    ...line,
    status: 'Assigned',
    cleanerId: cleaner.id,
    cleanerName: cleaner.name,
    cleanerTel: cleaner.tel,
    cleanerUsername: cleaner.username,
    activeCleanerId: cleaner.id,
    updatedAt: at,
  };
  return {
    state: assigned,
    events: [
      { type: 'CleanerAssigned', data: { id, ...line, ...cleanerLineOf(cleaner), status: 'Assigned' } },
    ],
  };
}

/**
 * The request was cancelled before operations asked for a cleaner (the two events come from
 * different services, in either order): a Cancelled assignment with no cleaner is stored, so
 * the request that arrives later assigns nobody.
 */
export function cancelledBeforeAssignment(id: number, request: RequestLine, at: string): Assignment {
  return {
    id,
    ...requestOf(request),
    status: 'Cancelled',
    cleanerId: null,
    cleanerName: null,
    cleanerTel: null,
    cleanerUsername: null,
    activeCleanerId: null,
    updatedAt: at,
  };
}

/**
 * The customer cancelled: a live assignment is cancelled and frees its cleaner. One that ended
 * (completed, none free, already cancelled) stays as it is: nothing to free.
 */
export function cancelAssignment(a: Assignment, at: string): Outcome {
  if (a.status !== 'Assigned' || a.cleanerId === null) return { state: a, events: [] };
  return {
    state: { ...a, status: 'Cancelled', activeCleanerId: null, updatedAt: at },
    events: [
      {
        type: 'AssignmentCancelled',
        data: {
          id: a.id,
          orderId: a.orderId,
          customerId: a.customerId,
          cleanerId: a.cleanerId,
          status: 'Cancelled',
        },
      },
    ],
  };
}

/** The assigned cleaner finished (requirement 6): the assignment ends Completed and frees them. */
export function completeAssignment(a: Assignment, at: string): AssignmentDecision {
  if (a.status === 'Completed')
    return refuse('ASSIGNMENT.ALREADY_COMPLETED', `assignment ${a.id} is already completed`);
  if (a.status === 'Cancelled')
    return refuse(
      'ASSIGNMENT.CANCELLED',
      `assignment ${a.id} was cancelled by the customer: nothing to complete`,
    );
  if (a.status !== 'Assigned' || a.cleanerId === null || a.cleanerName === null || a.cleanerTel === null)
    return refuse('ASSIGNMENT.NO_CLEANER', `assignment ${a.id} has no cleaner: nothing to complete`);
  return accept({ ...a, status: 'Completed', activeCleanerId: null, updatedAt: at }, [
    {
      type: 'CleaningCompleted',
      data: {
        id: a.id,
        ...requestOf(a),
        cleanerId: a.cleanerId,
        cleanerName: a.cleanerName,
        cleanerTel: a.cleanerTel,
        status: 'Completed',
      },
    },
  ]);
}

/** A cleaner is busy while assigned and idle again, from now, when the assignment ends. */
export const occupy = (c: Cleaner): Cleaner => ({ ...c, status: 'Busy' });
export const release = (c: Cleaner, at: string): Cleaner => ({ ...c, status: 'Idle', idleSince: at });
