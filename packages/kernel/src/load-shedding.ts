/**
 * A bound on the requests a process works on at once, past which it refuses at once with 503 +
 * Retry-After instead of queueing. Without it, twice a process's capacity makes every request
 * wait longer and longer (in the event loop, in a gateway's upstream pool, in a store's queue),
 * memory grows with the queue, and callers time out having used the work anyway. A refusal costs
 * almost nothing and tells a client (or a gateway's caller) when to come back.
 *
 * Probes and metrics are never refused: a process that is busy is not dead, and a supervisor
 * that saw its liveness fail under load would kill it and make the overload worse.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-handler.ts';

export interface LoadSheddingOptions {
  /** Requests worked on at once; 0 = no bound. Default: env MAX_IN_FLIGHT, else DEFAULT_MAX_IN_FLIGHT. */
  readonly maxInFlight?: number;
  /** Retry-After of a refusal, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

/**
 * Above what the benches' closed loops ask (100 connections: they must measure throughput, not
 * refusals), far below what exhausts a process: at twice its capacity (`npm run bench:overload`)
 * a request let in waits at most this many requests' time, everything past it is refused at once.
 * A deployment that wants accepted requests faster under overload sets MAX_IN_FLIGHT lower.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;

export function installLoadShedding(app: FastifyInstance, options: LoadSheddingOptions = {}): void {
  const max = options.maxInFlight ?? maxInFlightFromEnv();
  if (max <= 0) return;
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  let inFlight = 0;
  const done = () => {
    inFlight--;
  };
  app.addHook('onRequest', (request, reply, next) => {
    if (exempt(request.url)) return next();
    if (inFlight >= max) return refuse(request, reply, retryAfter);
    inFlight++;
    // 'close' comes once for every response: sent, failed, or its client gone before the answer.
    reply.raw.once('close', done);
    next();
  });
}

function refuse(request: FastifyRequest, reply: FastifyReply, retryAfter: string): void {
  sendOverloaded(
    request,
    reply,
    'SERVICE.OVERLOADED',
    'Too many requests in progress; retry after Retry-After seconds',
    retryAfter,
  );
}

/**
 * A 503 + Retry-After in the one error shape, sent at once. Not logged: under overload that would
 * be thousands of lines a second, each costing what the refusal saves.
 */
export function sendOverloaded(
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  message: string,
  retryAfterSeconds: string | number,
): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', String(retryAfterSeconds))
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(request, { status: 503, code, message })));
}

function exempt(url: string): boolean {
  return url.startsWith('/health/') || url === '/metrics' || url.startsWith('/metrics?');
}

function maxInFlightFromEnv(): number {
  const raw = process.env.MAX_IN_FLIGHT;
  if (raw === undefined || raw === '') return DEFAULT_MAX_IN_FLIGHT;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_MAX_IN_FLIGHT;
}
