/**
 * Operations follows each request: once cleancall saved it (CleanCalled), ask cleanassign for a
 * cleaner (requirement 3); then show what was decided — assigned (with the cleaner), none free,
 * cancelled by the customer, completed, or withdrawn because cleancall could not save it.
 * A request cleancall saved was registered here first (the sync call), so a missing one is an
 * error: retried, then parked where an operator sees it.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf, toNewEvent } from '../../../events.ts';
import { type Observation, observe, requestAssignment } from '../domain/clean-manage.ts';
import { type CleanManageTables, cleanManages, loadByOrder } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<CleanManageTables>, record: RecordEvents) => Promise<void>;

async function load(trx: Kysely<CleanManageTables>, event: Event) {
  const orderId = orderIdOf(event);
  const m = await loadByOrder(trx, orderId, { lock: true });
  if (!m) throw new Error(`cleaning request ${orderId} was never registered`);
  return m;
}

const show =
  (seen: (data: Event['data']) => Observation): Handler =>
  async (event, trx) => {
    const m = await load(trx, event);
    const next = observe(m, seen(event.data));
    if (next === m) return; // a late or repeated event
    const { status, cleanerId, cleanerName } = next;
    await cleanManages.update(trx, m.id, { status, cleanerId, cleanerName });
  };

export const followRequest: Record<string, Handler> = {
  CleanCalled: async (event, trx, record) => {
    const m = await load(trx, event);
    const { state, events } = requestAssignment(m);
    if (events.length === 0) return;
    await cleanManages.update(trx, m.id, { assignmentRequested: state.assignmentRequested });
    await record(events.map(toNewEvent));
  },
  CleanCallWithdrawn: async (event, trx, record) => {
    // Withdrawn before it was ever saved by cleancall: nothing else knows of it.
    if (!(await loadByOrder(trx, orderIdOf(event)))) return;
    await show(() => ({ status: 'Withdrawn' }))(event, trx, record);
  },
  CleanerAssigned: show((data) => {
    const { cleanerId, cleanerName } = payloadOf('CleanerAssigned', data);
    return { status: 'Confirmed', cleaner: { id: cleanerId, name: cleanerName } };
  }),
  NoCleanerAvailable: show(() => ({ status: 'NoCleanerAvailable' })),
  CleanCallCancelled: show(() => ({ status: 'Cancelled' })),
  CleaningCompleted: show(() => ({ status: 'Completed' })),
};
