/**
 * The per-request logger, made only when a line is actually written. Fastify asks for a child
 * logger on every request; pino's child() serializes its bindings (request id, trace id) at
 * once, which showed as ~4% of the gateway's CPU under load — for requests that, at the usual
 * levels, log nothing. This stands in for the child and creates it on the first enabled line.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js';
import { traceIdForRawRequest } from './trace.ts';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** pino's numbers for its levels; `silent` is above them all. */
const LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

class RequestLogger {
  #child: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  readonly #options: ChildLoggerOptions;
  readonly #raw: IncomingMessage;

  constructor(
    parent: FastifyBaseLogger,
    bindings: Bindings,
    options: ChildLoggerOptions,
    raw: IncomingMessage,
  ) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
    this.#raw = raw;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#logger().level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }

  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  silent(..._args: unknown[]): void {}

  #logger(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(
      { ...this.#bindings, traceId: traceIdForRawRequest(this.#raw) },
      this.#options,
    );
    return this.#child;
  }

  #write(level: Level, args: unknown[]): void {
    // A level this request's logger would drop costs nothing; any other makes the real child.
    if (LEVELS[level] < (LEVELS[this.level] ?? 0)) return;
    (this.#logger()[level] as (...a: unknown[]) => void)(...args);
  }
}

/** Fastify's `childLoggerFactory`: every line of a request carries `reqId` and `traceId`. */
export function requestLogger(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
  raw: IncomingMessage,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options, raw) as unknown as FastifyBaseLogger;
}
