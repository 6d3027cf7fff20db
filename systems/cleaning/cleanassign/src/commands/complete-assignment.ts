/**
 * The cleaner completes their assignment (requirement 6): the assignment ends Completed and the
 * cleaner is idle again (last in the queue of idle cleaners), in one transaction with the
 * CleaningCompleted event. Another cleaner's assignment answers 404 like a missing one.
 */
import { type Caller, decided } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { CleanAssignContext } from '../config.ts';
import { type Assignment, completeAssignment } from '../domain/pool.ts';
import { assignments } from '../tables.ts';
import { freeCleaner, saveAssignment } from './pool-store.ts';

export function completeAssignmentCommand(
  ctx: CleanAssignContext,
  id: number,
  caller: Caller,
  traceparent?: string,
): Promise<Assignment> {
  return ctx.command(async (trx, record) => {
    const current = await assignments.load(trx, id, { lock: true });
    const scope = assignments.scopeOf(caller); // a cleaner's own login, or undefined: sees all
    if (!current || (scope !== undefined && current.cleanerUsername !== scope))
      throw assignments.notFoundError(id);
    const at = new Date().toISOString();
    const { state, events } = decided(completeAssignment(current, at));
    await saveAssignment(trx, state);
    if (current.cleanerId !== null) await freeCleaner(trx, current.cleanerId, at);
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
