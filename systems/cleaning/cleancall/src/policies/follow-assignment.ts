/**
 * Whenever cleanassign assigns a cleaner, finds none free, or the cleaner completes, the request
 * follows (requirements 4–6). Operations asks for a cleaner only after this service saved the
 * request, so a missing request is an error: retried, then parked where an operator sees it.
 */
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { type Observation, observe } from '../domain/clean-call.ts';
import { type CleanCallTables, cleanCalls } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<CleanCallTables>) => Promise<void>;

const follow =
  (seen: (data: Event['data']) => Observation): Handler =>
  async (event, trx) => {
    const id = orderIdOf(event);
    const call = await cleanCalls.load(trx, id, { lock: true });
    if (!call) throw new Error(`cleaning request ${id} not found`);
    const next = observe(call, seen(event.data), new Date().toISOString());
    if (next === call) return; // a late or repeated event: nothing changes
    const { status, cleanerName, cleanerTel, updatedAt } = next;
    await cleanCalls.update(trx, id, { status, cleanerName, cleanerTel, updatedAt });
  };

export const followAssignment: Record<string, Handler> = {
  CleanerAssigned: follow((data) => {
    const { cleanerName, cleanerTel } = payloadOf('CleanerAssigned', data);
    return { status: 'Confirmed', cleaner: { name: cleanerName, tel: cleanerTel } };
  }),
  NoCleanerAvailable: follow(() => ({ status: 'NoCleanerAvailable' })),
  CleaningCompleted: follow((data) => {
    const { cleanerName, cleanerTel } = payloadOf('CleaningCompleted', data);
    return { status: 'Completed', cleaner: { name: cleanerName, tel: cleanerTel } };
  }),
};
