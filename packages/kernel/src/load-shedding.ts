/**
 * What a process lets in, past which it refuses at once with 503 + Retry-After instead of
 * queueing. Without it, twice a process's capacity makes every request wait longer and longer
 * (in the event loop, in a gateway's upstream pool, in a store's queue), memory grows with the
 * queue, and callers time out having used the work anyway. A refusal costs almost nothing and
 * tells a client (or a gateway's caller) when to come back.
 *
 * Two bounds. The event loop's delay is the one that measures the wait: a request that arrives
 * is read only when the loop comes round to its socket, so while the loop runs late every
 * request — a refusal too — waits that long. Past `maxEventLoopDelayMs` new requests are refused,
 * which lets the loop catch up, so refusals stay about that fast. A count of requests in progress
 * (`maxInFlight`) stays as the hard ceiling: memory and sockets held, whatever the loop says.
 *
 * Probes and metrics are never refused: a process that is busy is not dead, and a supervisor
 * that saw its liveness fail under load would kill it and make the overload worse.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-handler.ts';

export interface LoadSheddingOptions {
  /** Requests worked on at once; 0 = no bound. Default: env MAX_IN_FLIGHT, else DEFAULT_MAX_IN_FLIGHT. */
  readonly maxInFlight?: number;
  /**
   * Event-loop delay in ms past which new requests are refused; 0 = never on delay. Default: env
   * MAX_EVENT_LOOP_DELAY_MS, else DEFAULT_MAX_EVENT_LOOP_DELAY_MS.
   */
  readonly maxEventLoopDelayMs?: number;
  /**
   * Requests in progress below which the loop's delay refuses nobody. Default: env
   * SHED_MIN_IN_FLIGHT, else DEFAULT_SHED_MIN_IN_FLIGHT.
   */
  readonly shedMinInFlight?: number;
  /** Where the loop's delay is read (tests inject one). Default: `eventLoopDelayProbe()`. */
  readonly loopDelay?: LoopDelay;
  /** Retry-After of a refusal, in seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

/**
 * Above what the benches' closed loops ask (100 connections: they must measure throughput, not
 * refusals). It bounds what a process holds when its requests wait on something that does not
 * load its own loop (a slow dependency), which the loop's delay cannot see.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;

/** Two such waits fit in the 50 ms refusal target (a gateway's loop and a service's). */
export const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 20;

/**
 * Below this many requests in progress the loop's delay refuses nobody. Measured: with a floor
 * of 8, the order service's loop on this shared 2-core machine ran 20 ms late under closed loops
 * of only 30–50 connections and refused hundreds of their requests in 5 s; the closed-loop
 * benches (≤ 100 connections) must measure throughput, not refusals. So the delay decides only
 * between this and the ceiling: an overload fills a process past any closed loop, and there the
 * delay stops it letting in more than its loop works on promptly.
 */
export const DEFAULT_SHED_MIN_IN_FLIGHT = 128;

/** The event loop's recent delay, in ms: how long a request arriving now waits to be read. */
export interface LoopDelay {
  /** The delay now; cheap enough to ask on every request. */
  current(): number;
  stop(): void;
}

export interface LoopDelayProbeOptions {
  /** How often the probe's timer runs, ms (default 10). */
  readonly intervalMs?: number;
  /** The weight of each run's lateness in the smoothed delay (default 0.3). */
  readonly smoothing?: number;
  /** The clock, ms (tests). */
  readonly now?: () => number;
  /** Runs `tick` every `ms` and returns what stops it (tests run the ticks by hand). */
  readonly every?: (ms: number, tick: () => void) => () => void;
}

/**
 * The loop's delay as a timer's drift: a timer due every 10 ms runs late by as long as the loop
 * was busy before coming round to it — the wait a request arriving then has too. Sampled by the
 * timer (100 cheap runs a second, unref'd), never per request; each run's lateness is smoothed
 * over the last few runs, so a process refuses for a loop that stays late, not for one late
 * moment (a GC, the machine's other processes taking the core). While a loop is swamped its
 * timer runs once per turn, each run reading the whole turn as late.
 *
 * Not `monitorEventLoopDelay`: its histogram drops the first interval after a `reset()`, and a
 * reading per window that resets it then reads a swamped loop (one turn per window) as never late.
 */
export function eventLoopDelayProbe(options: LoopDelayProbeOptions = {}): LoopDelay {
  const interval = options.intervalMs ?? 10;
  const weight = options.smoothing ?? 0.3;
  const now = options.now ?? (() => performance.now());
  let last = now();
  let delay = 0;
  const stop = (options.every ?? everyUnref)(interval, () => {
    const t = now();
    delay += weight * (Math.max(0, t - last - interval) - delay);
    last = t;
  });
  return { current: () => delay, stop };
}

function everyUnref(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}

export interface ShedLimits {
  readonly maxInFlight: number;
  readonly maxEventLoopDelayMs: number;
  readonly shedMinInFlight: number;
}

/** Why a request would be refused now, or undefined to let it in (pure: the tests drive it). */
export function shedReason(
  inFlight: number,
  delayMs: number,
  limits: ShedLimits,
): 'in-flight' | 'loop-delay' | undefined {
  if (limits.maxInFlight > 0 && inFlight >= limits.maxInFlight) return 'in-flight';
  if (
    limits.maxEventLoopDelayMs > 0 &&
    inFlight >= Math.max(1, limits.shedMinInFlight) &&
    delayMs > limits.maxEventLoopDelayMs
  ) {
    return 'loop-delay';
  }
  return undefined;
}

const MESSAGES = {
  'in-flight': 'Too many requests in progress; retry after Retry-After seconds',
  'loop-delay': 'The service is too busy to answer promptly; retry after Retry-After seconds',
} as const;

export function installLoadShedding(app: FastifyInstance, options: LoadSheddingOptions = {}): void {
  const limits: ShedLimits = {
    shedMinInFlight: options.shedMinInFlight ?? fromEnv('SHED_MIN_IN_FLIGHT', DEFAULT_SHED_MIN_IN_FLIGHT),
    maxInFlight: options.maxInFlight ?? fromEnv('MAX_IN_FLIGHT', DEFAULT_MAX_IN_FLIGHT),
    maxEventLoopDelayMs:
      options.maxEventLoopDelayMs ?? fromEnv('MAX_EVENT_LOOP_DELAY_MS', DEFAULT_MAX_EVENT_LOOP_DELAY_MS),
  };
  if (limits.maxInFlight <= 0 && limits.maxEventLoopDelayMs <= 0) return;
  const loop = limits.maxEventLoopDelayMs > 0 ? (options.loopDelay ?? eventLoopDelayProbe()) : undefined;
  if (loop) app.addHook('onClose', async () => loop.stop());
  const retryAfter = String(options.retryAfterSeconds ?? 1);
  let inFlight = 0;
  const done = () => {
    inFlight--;
  };
  app.addHook('onRequest', (request, reply, next) => {
    if (exempt(request.url)) return next();
    const reason = shedReason(inFlight, loop?.current() ?? 0, limits);
    if (reason) {
      sendOverloaded(request, reply, 'SERVICE.OVERLOADED', MESSAGES[reason], retryAfter);
      return;
    }
    inFlight++;
    // 'close' comes once for every response: sent, failed, or its client gone before the answer.
    reply.raw.once('close', done);
    next();
  });
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

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
