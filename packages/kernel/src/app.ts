/**
 * The app builder: everything a service's HTTP side needs except its routes. Kept apart from the
 * process (run.ts) so tests build apps with `inject()` and never open a port.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Registry } from 'prom-client';
import { installErrorHandlers } from './error-handler.ts';
import { createHealth, installHealth, type ReadyCheck } from './health.ts';
import { installLoadShedding } from './load-shedding.ts';
import { createLogger, loggerFrom } from './logger.ts';
import { installMetrics } from './metrics.ts';
import { installOpenApi } from './openapi.ts';
import { requestLogger } from './request-logger.ts';
import { formatTraceparent, traceContext } from './trace.ts';
import { strictBodyValidators } from './validation.ts';

export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface BuildAppOptions {
  /** The service name: on every log line. */
  name: string;
  /** A pino logger, pino options, or false for none. Defaults to JSON logs at info. */
  logger?: FastifyBaseLogger | LoggerOptions | false;
  /** Readiness: store open, migrations done, bus connected. Defaults to always ready. */
  ready?: ReadyCheck;
  /** Defaults to a fresh registry per app. */
  registry?: Registry;
  /** Fastify's bodyLimit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Past this many requests at once, 503 + Retry-After (see load-shedding.ts); 0 = no bound. */
  maxInFlight?: number;
  /** Past this event-loop delay in ms, 503 + Retry-After (see load-shedding.ts); 0 = never on delay. */
  maxEventLoopDelayMs?: number;
  /** Serve `/openapi.json` made from the routes (default); false when the app serves its own. */
  openApi?: boolean;
  /** The clock of the error log's once-a-second lines, ms (tests). Default Date.now. */
  now?: () => number;
}

export function buildApp(opts: BuildAppOptions): App {
  const app = Fastify({
    ...loggerOption(opts),
    // Every log line of a request carries `traceId`, so it can be joined with the caller's and
    // the event consumers' lines; `reqId` stays unique per request within this process.
    childLoggerFactory: (logger, bindings, options, raw) =>
      requestLogger(logger, bindings, options, raw as IncomingMessage),
    // Idle keep-alive sockets would otherwise hold app.close() open until the client hangs up.
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: { buildValidator: strictBodyValidators() } },
    ...(opts.bodyLimit === undefined ? {} : { bodyLimit: opts.bodyLimit }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Spring Data REST clients send HAL; parse it exactly like JSON (same prototype-poisoning guards).
  app.addContentTypeParser(
    'application/hal+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  app.addHook('onSend', async (request, reply) => {
    reply.header('traceparent', formatTraceparent(traceContext(request)));
  });

  installErrorHandlers(app, opts.now);
  // First of the request hooks: a refused request costs no more work than its refusal.
  installLoadShedding(app, { maxInFlight: opts.maxInFlight, maxEventLoopDelayMs: opts.maxEventLoopDelayMs });
  installHealth(app, createHealth(opts.ready));
  installMetrics(app, opts.registry);
  if (opts.openApi !== false) installOpenApi(app, opts.name);
  return app;
}

function loggerOption(opts: BuildAppOptions): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (opts.logger === false) return { logger: false };
  if (opts.logger === undefined) return { loggerInstance: createLogger(opts.name) };
  if (typeof (opts.logger as FastifyBaseLogger).child === 'function') {
    return { loggerInstance: opts.logger as FastifyBaseLogger };
  }
  // Options, not a logger: built here on the non-blocking sink, not on Fastify's default (pino's
  // synchronous stdout, which can block the whole process on a full pipe).
  return { loggerInstance: loggerFrom({ base: { service: opts.name }, ...(opts.logger as LoggerOptions) }) };
}
