/**
 * cleanmanage's routes: the registration cleancall makes synchronously (POST, idempotent on the
 * request's id) and operations' read side (the manager sees every request, through the gateway).
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, LIMITS, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { registerRequestCommand } from './commands/register-request.ts';
import type { CleanManageContext } from './config.ts';
import { cleanManages } from './tables.ts';

/**
 * cleancall's body; the seed's Cleanmanage sent `orderId` as a string of digits and copied the
 * request's `status` (ignored: operations owns its status).
 */
const RegistrationBody = Type.Object({
  orderId: Type.Union([
    Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    Type.String({ pattern: '^[1-9][0-9]{0,14}$' }),
  ]),
  customerId: Type.Optional(Type.Union([Type.String({ maxLength: LIMITS.text }), Type.Null()])),
  tel: Type.String({ minLength: 1, maxLength: 64 }),
  location: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  cost: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
});

export function cleanManageRoutes(ctx: CleanManageContext): void {
  ctx.app.post('/cleanmanages', { schema: { body: RegistrationBody } }, async (request, reply) => {
    const { orderId, customerId, tel, location, cost } = request.body;
    const m = await registerRequestCommand(
      ctx,
      { orderId: Number(orderId), customerId: customerId ?? null, tel, location, cost },
      currentTraceparent(request),
    );
    const body = cleanManages.resource(baseUrlOf(request), m);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });
  resourceRoutes(ctx.app, ctx.store.db, cleanManages);
}
