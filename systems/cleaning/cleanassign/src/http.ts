/**
 * cleanassign's routes: the manager registers cleaners; a cleaner sees their own assignments
 * and completes one (`POST /cleanassigns/{id}/complete`, or Spring's `PATCH {status:"Completed"}`);
 * the manager sees them all. Assigning is not a route: it follows operations' event.
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, IdParams, LIMITS, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { completeAssignmentCommand } from './commands/complete-assignment.ts';
import { registerCleanerCommand } from './commands/register-cleaner.ts';
import type { CleanAssignContext } from './config.ts';
import { assignments, cleaners } from './tables.ts';

const CleanerBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  tel: Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9+][0-9 -]*$' }),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.text })),
});
const CompleteBody = Type.Object({ status: Type.Literal('Completed') });

export function cleanAssignRoutes(ctx: CleanAssignContext): void {
  const { app } = ctx;

  app.post('/cleaners', { schema: { body: CleanerBody } }, async (request, reply) => {
    const { name, tel, username } = request.body;
    const cleaner = await registerCleanerCommand(ctx, { name, tel, username: username ?? null });
    const body = cleaners.resource(baseUrlOf(request), cleaner);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });
  resourceRoutes(app, ctx.store.db, cleaners);

  const complete = async (request: FastifyRequest, reply: FastifyReply) => {
    const { id } = request.params as { id: number };
    const done = await completeAssignmentCommand(ctx, id, callerOf(request), currentTraceparent(request));
    return hal(reply, 200, assignments.resource(baseUrlOf(request), done));
  };
  app.post('/cleanassigns/:id/complete', { schema: { params: IdParams } }, complete);
  app.patch('/cleanassigns/:id', { schema: { params: IdParams, body: CompleteBody } }, complete);
  resourceRoutes(app, ctx.store.db, assignments);
}
