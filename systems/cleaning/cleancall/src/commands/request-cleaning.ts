/**
 * Request a cleaning (requirement 1): number the request, have operations register it (sync,
 * through the breaker: requirement 2), then save it with its CleanCalled event in one
 * transaction. cleanmanage down, slow or its breaker open → nothing is saved (503 +
 * Retry-After: "request again shortly"); the seed's fallback accepted the request silently.
 * Saving fails after operations registered it → a CleanCallWithdrawn event (outbox) tells
 * operations to withdraw it, so no registration without a request is left behind. The steps'
 * order and failure handling are service-kit's placePaidOrder: "paying" here is registering.
 */
import { AppError, UnavailableError } from '@bounded/kernel';
import { placePaidOrder } from '@bounded/service-kit';
import { idBlocks } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { CleanCallContext } from '../config.ts';
import { type CleanCall, type CleanCallRequest, requestCleaning } from '../domain/clean-call.ts';
import type { ManagePort } from '../manage-port.ts';
import { cleanCalls } from '../tables.ts';

export async function requestCleaningCommand(
  ctx: CleanCallContext,
  manage: ManagePort,
  request: CleanCallRequest,
  traceparent?: string,
): Promise<CleanCall> {
  return placePaidOrder(
    ctx,
    {
      // Ids come from blocks (no commit per request), numbered before operations is called.
      number: () => idBlocks(ctx.store, 'clean_call').next(),
      pay: async (orderId, token) => ({
        paymentId: await manage.register({ orderId, ...request }, token, traceparent),
      }),
      // The request's time is the moment operations registered it (the clock stays out of the domain).
      decide: (orderId) => requestCleaning(orderId, request, new Date().toISOString()),
      save: (trx, call) => cleanCalls.insert(trx, call),
      compensation: (orderId, manageId) => ({
        type: 'CleanCallWithdrawn' as const,
        data: { orderId, manageId, reason: 'the request could not be saved after operations registered it' },
      }),
      toNewEvent,
    },
    traceparent,
  ).catch((error: unknown) => {
    // placePaidOrder words its refusal for orders and payments: say what happened here.
    if (error instanceof AppError && error.code === 'ORDER.NOT_SAVED')
      throw new UnavailableError(
        'CLEANCALL.NOT_SAVED',
        'the request could not be saved; operations withdraws it: please request again shortly',
        1,
      );
    throw error;
  });
}
