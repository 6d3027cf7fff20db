/**
 * The rental's routes: schema first, thin; refusals become HTTP in @bounded/service-kit and the
 * kernel. The caller decides whose rentals a request may see or change: through the gateway a
 * member sees only their own (another's answers 404 like a missing one), staff see all; a
 * direct loopback call (no identity headers) behaves as the seed's service did.
 */
import { BadRequestError, currentTraceparent, ForbiddenError } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import {
  type Caller,
  callerOf,
  hal,
  IdParams,
  LIMITS,
  type PaidOrders,
  resourceRoutes,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { requestCommand } from './commands/request.ts';
import type { Reservation } from './commands/reserve.ts';
import type { RentalContext } from './config.ts';
import { memberFor, RENTAL_REQUESTS, type Rental } from './domain/rental.ts';
import { rentals } from './tables.ts';

/**
 * A positive whole number, also as a string of digits: the seed's calls send them so
 * (`http POST :8081/rentals memberId=2 bookId=2` sends "2"), and Spring read them into a Long.
 * Anything else ("1.5", "", -1, null) is a 400.
 */
const Id = Type.Union([
  Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  Type.String({ pattern: '^[1-9][0-9]{0,14}$' }),
]);
/** A member: their login name, or the seed's numeric member id (kept as text). */
const Member = Type.Union([
  Type.String({ minLength: 1, maxLength: LIMITS.text }),
  Type.Integer({ minimum: 1, maximum: LIMITS.id }),
]);

/** What a member sends; server-owned fields (id, reqState …) are ignored if present. */
const ReserveBody = Type.Object({ memberId: Type.Optional(Member), bookId: Id });
const RequestBody = Type.Object({
  reqState: Type.Union(RENTAL_REQUESTS.map((r) => Type.Literal(r))),
});

function memberOrThrow(caller: Caller, named: string | undefined): string {
  const decision = memberFor(caller, named);
  if (!decision.ok) throw new ForbiddenError(decision.code, decision.message);
  if (decision.memberId === undefined) {
    throw new BadRequestError('RENTAL.MEMBER_REQUIRED', 'memberId is required on a direct call', [
      { field: 'memberId', message: 'required: whose reservation this is' },
    ]);
  }
  return decision.memberId;
}

export function rentalRoutes(ctx: RentalContext, reserving: PaidOrders<Reservation, Rental>): void {
  const { app } = ctx;
  const resource = (base: string, rental: Rental) => rentals.resource(base, rental);

  app.post('/rentals', { schema: { body: ReserveBody } }, async (request, reply) => {
    const { memberId, bookId } = request.body;
    const member = memberOrThrow(callerOf(request), memberId === undefined ? undefined : String(memberId));
    const rental = await reserving.place(
      { memberId: member, bookId: Number(bookId) },
      currentTraceparent(request),
    );
    const body = resource(baseUrlOf(request), rental);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  /** The seed's commands: reqState = rental | return | cancel (anything else is a 400). */
  app.patch('/rentals/:id', { schema: { params: IdParams, body: RequestBody } }, async (request, reply) => {
    const rental = await requestCommand(
      ctx,
      request.params.id,
      request.body.reqState,
      callerOf(request),
      currentTraceparent(request),
    );
    return hal(reply, 200, resource(baseUrlOf(request), rental));
  });

  resourceRoutes(app, ctx.store.db, rentals);
}
