/**
 * Whenever operations asks for a cleaner (AssignmentRequested), the longest-idle cleaner is
 * assigned — or, with nobody idle, the request ends NoCleanerAvailable at once (requirements 3,
 * 5). Whenever the customer cancels (CleanCallCancelled), a live assignment is cancelled and its
 * cleaner freed (requirement 7). The two events come from different services and may arrive in
 * either order: a cancel that comes first leaves a Cancelled assignment with no cleaner, so the
 * request arriving after it assigns nobody. Both run in the consumer's transaction with its
 * inbox row, so a re-delivered event has no second effect.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, requestLineOf, toNewEvent } from '../../../events.ts';
import { claimLongestIdle, freeCleaner, insertAssignment, saveAssignment } from '../commands/pool-store.ts';
import { assign, cancelAssignment, cancelledBeforeAssignment } from '../domain/pool.ts';
import { assignments, type CleanAssignTables } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<CleanAssignTables>, record: RecordEvents) => Promise<void>;

export const assignCleaner: Record<string, Handler> = {
  AssignmentRequested: async (event, trx, record) => {
    const orderId = orderIdOf(event);
    if (await assignments.load(trx, orderId, { lock: true })) return; // decided already, or cancelled first
    const cleaner = await claimLongestIdle(trx);
    const line = requestLineOf(payloadOf('AssignmentRequested', event.data));
    const { state, events } = assign(orderId, line, cleaner, new Date().toISOString());
    await insertAssignment(trx, state);
    await record(events.map(toNewEvent));
  },
  CleanCallCancelled: async (event, trx, record) => {
    const orderId = orderIdOf(event);
    const at = new Date().toISOString();
    const current = await assignments.load(trx, orderId, { lock: true });
    if (!current) {
      await insertAssignment(
        trx,
        cancelledBeforeAssignment(orderId, requestLineOf(payloadOf('CleanCallCancelled', event.data)), at),
      );
      return;
    }
    const { state, events } = cancelAssignment(current, at);
    if (events.length === 0) return; // ended already: nobody to free
    await saveAssignment(trx, state);
    if (current.cleanerId !== null) await freeCleaner(trx, current.cleanerId, at);
    await record(events.map(toNewEvent));
  },
};
