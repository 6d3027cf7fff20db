/**
 * Whenever the book service turns a reservation down, the rental ends rejected (and
 * RentalRejected has payment refund it) — unless the member cancelled first. An event for a
 * rental not saved yet is retried (the rental commits right after payment answers) and parked
 * if it never appears.
 */
import { NotYetError, type RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { payloadOf, rentalIdOf, toNewEvent } from '../../../events.ts';
import { reject } from '../domain/rental.ts';
import { type RentalTables, rentals } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

export const settleRejection = {
  ReservationRejected: async (event: Event, trx: Kysely<RentalTables>, record: RecordEvents) => {
    const id = rentalIdOf(event);
    const rental = await rentals.load(trx, id, { lock: true });
    if (!rental) throw new NotYetError(`rental ${id} not found (yet)`);
    const decision = reject(rental, payloadOf('ReservationRejected', event.data).reason);
    if (!decision.ok) return; // cancelled first (already refunded), or rejected already
    await rentals.update(trx, id, { reqState: 'rejected', rejectReason: decision.state.rejectReason });
    await record(decision.events.map(toNewEvent));
  },
};
