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
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

/**
 * Two such waits fit in the 50 ms refusal target (a gateway's loop and a service's), and the
 * closed-loop order benches (10–100 connections, measured on the shared machine) were not refused
 * for it: their loops run later than this only in moments, which the smoothing passes over.
 */
export const DEFAULT_MAX_EVENT_LOOP_DELAY_MS = 20;

/**
 * A few requests cannot make the loop late by themselves (one costs about a millisecond of CPU
 * here): below this many in progress the delay is someone else's — a GC, the machine's other
 * processes — and refusing would not cure it.
 */
export const DEFAULT_SHED_MIN_IN_FLIGHT = 8;

/** The event loop's recent delay, in ms: how long a request arriving now waits to be read. */
export interface LoopDelay {
  /** The delay now; cheap enough to ask on every request. */
  current(): number;
  stop(): void;
}

export interface LoopDelayProbeOptions {
  /** How often libuv's timer samples the loop, ms (default 10). */
  readonly resolutionMs?: number;
  /** How long one reading stands before the next is taken, ms (default 10). */
  readonly windowMs?: number;
  /** The weight of a new window's reading in the smoothed delay (default 0.3). */
  readonly smoothing?: number;
  /** The sampler (tests): the worst interval between its runs since its reset, in ns. */
  readonly sampler?: DelaySampler;
  /** The clock, ms (tests). */
  readonly now?: () => number;
}

/** What `monitorEventLoopDelay` gives: enough of its histogram to read and reset a window. */
export interface DelaySampler {
  readonly max: number;
  readonly count: number;
  reset(): void;
  disable(): void;
}

/**
 * The loop's delay from Node's own sampler (a libuv timer in C++, no JavaScript per sample),
 * read at most once a window — not per request — as the worst lateness since the last reading,
 * smoothed over the last few readings: a process refuses for a loop that stays late, not for one
 * late moment (a GC, the machine's other processes taking the core). A reading after a long gap
 * counts like any other: the gap may be the loop itself stuck (what shedding is for), and a pause
 * in a quiet process refuses nobody, as a few requests in progress are never refused for delay.
 */
export function eventLoopDelayProbe(options: LoopDelayProbeOptions = {}): LoopDelay {
  const resolution = options.resolutionMs ?? 10;
  const windowMs = options.windowMs ?? 10;
  const weight = options.smoothing ?? 0.3;
  const now = options.now ?? (() => performance.now());
  const sampler = options.sampler ?? enabledHistogram(resolution);
  let readAt = now();
  let delay = 0;
  return {
    current() {
      const t = now();
      if (t - readAt < windowMs) return delay;
      // The sampler records each whole interval between its timer's runs: lateness is the excess.
      const late = sampler.count === 0 ? 0 : Math.max(0, sampler.max / 1e6 - resolution);
      delay += weight * (late - delay);
      sampler.reset();
      readAt = t;
      return delay;
    },
    stop: () => sampler.disable(),
  };
}

function enabledHistogram(resolution: number): DelaySampler {
  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  return histogram;
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
