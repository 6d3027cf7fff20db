/**
 * Request a cleaning (requirement 1): number the request, have operations register it (sync,
 * through the breaker: requirement 2), then save it with its CleanCalled event in one
 * transaction. cleanmanage down or its breaker open → nothing is saved (503 + Retry-After:
 * "request again shortly"; the seed's fallback accepted the request silently); slow → the
 * request in doubt until operations answers under the same key.
 * Saving fails after operations registered it → a CleanCallWithdrawn event (outbox) tells
 * operations to withdraw it; the process killed in between → the request is saved after restart:
 * no registration without a request is left behind. The steps' order and failure handling are
 * service-kit's paidOrders: "paying" here is registering.
 */
import { UnavailableError } from '@bounded/kernel';
import { type PaidOrders, paidOrders } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { CleanCallContext } from '../config.ts';
import { type CleanCall, type CleanCallRequest, requestCleaning } from '../domain/clean-call.ts';
import type { ManagePort } from '../manage-port.ts';
import { cleanCalls } from '../tables.ts';

/** Defined once per process, in setup: requests registered but not saved are resumed from its rows. */
export function cleaningRequests(
  ctx: CleanCallContext,
  manage: ManagePort,
): PaidOrders<CleanCallRequest, CleanCall> {
  return paidOrders(ctx, {
    name: 'requestCleaning',
    // Ids come from blocks (no commit per request), numbered before operations is called.
    number: () => idBlocks(ctx.store, 'clean_call').next(),
    refusalNow: () => manage.refusalNow(),
    pay: async (orderId, request, key, traceparent) => ({
      paymentId: await manage.register({ orderId, ...request }, key, traceparent),
    }),
    // The request's time is the moment operations registered it (the clock stays out of the domain).
    decide: (orderId, request) => requestCleaning(orderId, request, new Date().toISOString()),
    save: (trx, call) => cleanCalls.insert(trx, call),
    compensation: (orderId, manageId) => ({
      type: 'CleanCallWithdrawn' as const,
      data: { orderId, manageId, reason: 'the request could not be saved after operations registered it' },
    }),
    toNewEvent,
    notSaved: () =>
      new UnavailableError(
        'CLEANCALL.NOT_SAVED',
        'the request could not be saved; operations withdraws it: please request again shortly',
        1,
      ),
  });
}
