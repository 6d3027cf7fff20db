/**
 * The member's request on a rental (`PATCH /rentals/{id} reqState=rental|return|cancel`),
 * decided on the rental's row in one transaction (locked), the same row a rejection from the
 * book service is decided on. Another member's rental answers 404 like a missing one; a request
 * the state does not allow is a 409 saying what it allows.
 */
import { type Caller, decided } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import type { RentalContext } from '../config.ts';
import { type Rental, type RentalRequest, request } from '../domain/rental.ts';
import { rentals } from '../tables.ts';

export function requestCommand(
  ctx: RentalContext,
  id: number,
  wanted: RentalRequest,
  caller: Caller,
  traceparent?: string,
): Promise<Rental> {
  return ctx.command(async (trx, record) => {
    const rental = await rentals.load(trx, id, { lock: true });
    const scope = rentals.scopeOf(caller);
    if (!rental || (scope !== undefined && rental.memberId !== scope)) throw rentals.notFoundError(id);
    const { state, events } = decided(request(rental, wanted));
    await rentals.update(trx, id, { reqState: state.reqState });
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
