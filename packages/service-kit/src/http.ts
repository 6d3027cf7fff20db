/** HTTP helpers every system's services share: HAL replies, id params, paging, refusals → 409. */
import { ConflictError } from '@bounded/kernel';
import { HAL_CONTENT_TYPE } from '@bounded/rest';
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { Decision } from './decision.ts';

/**
 * What the columns hold on every dialect, for request schemas: SQLite stores anything, but
 * PostgreSQL and MySQL refuse a longer varchar or a larger number — a 500 for bad input, unless
 * the schema says 400 first. `id`: bigint keys that are still exact JavaScript numbers;
 * `int`: an `integer` column; `text`: a `varchar(255)` column.
 */
export const LIMITS = { id: Number.MAX_SAFE_INTEGER, int: 2_147_483_647, text: 255 } as const;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: LIMITS.id }) });

export const PagingQuery = Type.Object({
  page: Type.Optional(Type.String()),
  size: Type.Optional(Type.String()),
  sort: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
});

export function hal(reply: FastifyReply, status: number, body: unknown, location?: string): FastifyReply {
  reply.code(status).type(HAL_CONTENT_TYPE);
  if (location) reply.header('location', location);
  return reply.send(body);
}

/** The one place a domain refusal becomes HTTP: an illegal state change is a 409. */
export function decided<S, E>(decision: Decision<S, E>): Extract<Decision<S, E>, { ok: true }> {
  if (!decision.ok) throw new ConflictError(decision.rejection.code, decision.rejection.message);
  return decision;
}
