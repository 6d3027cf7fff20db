/**
 * The customer cancels (DELETE /cleancalls/{id}, requirement 7): decided on the request's row in
 * one transaction; the row stays, Cancelled (history). Another customer's request answers 404
 * like a missing one; a completed or cancelled one 409.
 */
import { type Caller, decided, mayAccess } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { CleanCallContext } from '../config.ts';
import { type CleanCall, cancelCleaning } from '../domain/clean-call.ts';
import { cleanCalls } from '../tables.ts';

export function cancelCleaningCommand(
  ctx: CleanCallContext,
  id: number,
  caller: Caller,
  traceparent?: string,
): Promise<CleanCall> {
  return ctx.command(async (trx, record) => {
    const call = await cleanCalls.load(trx, id, { lock: true });
    if (!call || !mayAccess(caller, call.customerId, cleanCalls.spec.seeAll))
      throw cleanCalls.notFoundError(id);
    const { state, events } = decided(cancelCleaning(call, new Date().toISOString()));
    await cleanCalls.update(trx, id, { status: state.status, updatedAt: state.updatedAt });
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
