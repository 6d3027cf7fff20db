/**
 * cleancall's routes: schema first, thin. Through the gateway a customer requests for
 * themselves and sees and cancels only their own requests (another's answers 404 like a missing
 * one); the manager sees all; a direct loopback call (no identity) behaves as the seed's service
 * did and may name the customer in the body.
 */
import { currentTraceparent, ForbiddenError } from '@bounded/kernel';
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
import { cancelCleaningCommand } from './commands/cancel-cleaning.ts';
import type { CleanCallContext } from './config.ts';
import type { CleanCall, CleanCallRequest } from './domain/clean-call.ts';
import { cleanCalls } from './tables.ts';

/**
 * The seed's body (`http :8081/cleancalls tel="01023221353" location="seoul" cost=200000`):
 * httpie sends `cost` as a string of digits, which Spring read into a number, so a digit string
 * is taken too; anything else ("1.5", -1, null) is a 400. Server-owned fields (id, status …)
 * are ignored when sent. The seed's load test posts only `{"tel": …}`: 400 naming location and cost.
 */
const CleanCallBody = Type.Object({
  tel: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9+][0-9 -]*$' }),
  location: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  cost: Type.Union([
    Type.Integer({ minimum: 0, maximum: LIMITS.id }),
    Type.String({ pattern: '^(0|[1-9][0-9]{0,14})$' }),
  ]),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.text })),
});

/** Whose request this is: through the gateway the caller (an admin may name anyone); direct, the body's. */
function customerOf(caller: Caller, named: string | undefined): string | null {
  if (caller.kind === 'direct') return named ?? null;
  if (named === undefined || named === caller.name || caller.isAdmin) return named ?? caller.name;
  throw new ForbiddenError(
    'CLEANCALL.NOT_YOURS',
    `signed in as ${caller.name}, you cannot request a cleaning for ${named}: leave customerId out`,
  );
}

export function cleanCallRoutes(
  ctx: CleanCallContext,
  requests: PaidOrders<CleanCallRequest, CleanCall>,
): void {
  const { app } = ctx;

  app.post('/cleancalls', { schema: { body: CleanCallBody } }, async (request, reply) => {
    const { tel, location, cost, customerId } = request.body;
    const call = await requests.place(
      { tel, location, cost: Number(cost), customerId: customerOf(callerOf(request), customerId) },
      currentTraceparent(request),
    );
    const body = cleanCalls.resource(baseUrlOf(request), call);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  /** The seed's cancel: DELETE → 204; the request stays readable, Cancelled. */
  app.delete('/cleancalls/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await cancelCleaningCommand(ctx, request.params.id, callerOf(request), currentTraceparent(request));
    return reply.code(204).send();
  });

  resourceRoutes(app, ctx.store.db, cleanCalls);
}
