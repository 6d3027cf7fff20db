/**
 * The composition root every service shares: config → store (+ migrations) → bus → outbox
 * relay → the service's routes and policies → consumer group. A service declares what is its
 * own (name, topic, migrations, setup); everything with a side effect is wired here.
 */

import type { EventBus } from '@bounded/bus';
import { createHttpClient, type HttpClient, type HttpClientOptions } from '@bounded/http-client';
import {
  createOutbox,
  type IdempotentConsumer,
  idempotentConsumer,
  listParked,
  messaging,
  messagingMigrations,
  type NewEvent,
  OutboxRelay,
  type PolicyHandler,
} from '@bounded/outbox';
import { idBlockMigrations, type Kysely, type Migration, openStore, type Store } from '@bounded/store';
import type { Static, TObject } from '@sinclair/typebox';
import { Counter, Gauge } from 'prom-client';
import { type App, buildApp } from './app.ts';
import { type BaseConfig, baseConfigSchema, extendConfig, loadConfig } from './config.ts';
import { NotFoundError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { openBus } from './open-bus.ts';
import { type Resource, type RunningService, runService } from './run.ts';

export interface ServiceDefinition<DB, C extends TObject = TObject> {
  /** Service name: consumer group, event `source`, database file name. */
  readonly name: string;
  /** The system's topic (= system name). */
  readonly topic: string;
  /** Extra env vars this service reads, with their defaults. */
  readonly config?: C;
  readonly migrations: Record<string, Migration>;
  /** Registers routes on ctx.app and policies with ctx.policies; runs before the port opens. */
  setup(ctx: ServiceContext<DB, BaseConfig & Static<C>>): void | Promise<void>;
}

/** Records the events a command decided, in the command's transaction. */
export type RecordEvents = (events: readonly NewEvent[]) => Promise<void>;

export interface ServiceContext<DB, Config> {
  readonly name: string;
  readonly app: App;
  readonly config: Config;
  readonly store: Store<DB>;
  readonly bus: EventBus;
  readonly log: Logger;
  /**
   * Runs a command: one transaction for the state change and the events it records, then
   * wakes the outbox relay. `traceparent` links the events to the request that caused them.
   */
  command<T>(work: (trx: Kysely<DB>, record: RecordEvents) => Promise<T>, traceparent?: string): Promise<T>;
  /** Subscribes this service's consumer group to the topic with these handlers (once). */
  policies(
    handlers: Readonly<
      Record<
        string,
        (event: Parameters<PolicyHandler<DB>>[0], trx: Kysely<DB>, record: RecordEvents) => Promise<void>
      >
    >,
  ): void;
  /** A sync dependency: timeout, breaker, bulkhead; closed with the service; state in /metrics. */
  httpClient(options: HttpClientOptions): HttpClient;
  /** Something to close on shutdown (closed in reverse order of registration). */
  onClose(resource: Resource): void;
}

export interface BuiltService<DB> {
  readonly app: App;
  readonly context: ServiceContext<DB, BaseConfig>;
  /** Opens the consumer group and the relay (listening is the caller's: inject() or runService). */
  start(): Promise<void>;
  /** Closes everything, newest first (what runService does on SIGTERM after HTTP drained). */
  readonly resources: Resource[];
  close(): Promise<void>;
}

/** Builds a service from its definition and environment, without opening a port. */
export async function buildService<DB, C extends TObject>(
  definition: ServiceDefinition<DB, C>,
  env: Record<string, string | undefined> = process.env,
): Promise<BuiltService<DB>> {
  const schema = definition.config ? extendConfig(definition.config) : baseConfigSchema;
  const config = loadConfig(schema, { SERVICE_NAME: definition.name, ...env }) as BaseConfig & Static<C>;
  const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  const systemDir = `${config.DATA_DIR}/${definition.topic}`;
  const resources: Resource[] = [];

  const store = await openStore<DB>(config.DATABASE_URL ?? `sqlite:${systemDir}/${definition.name}.db`);
  resources.push({ name: 'store', close: () => store.close() });
  await store.migrate({ ...idBlockMigrations, ...messagingMigrations, ...definition.migrations });
  const bus = await openBus(config.BUS_URL, {
    dataDir: systemDir,
    onHandlerError: (error, at) => log.error({ err: error, ...at }, 'event handler failed; retrying'),
    onError: (error, what) => log.warn({ err: error }, `event bus: ${what} failed; recovering`),
  });
  resources.push({ name: 'bus', close: () => bus.close() });
  const relay = new OutboxRelay({
    store,
    bus,
    onError: (error) => log.error({ err: error }, 'outbox relay failed'),
  });
  resources.push({
    name: 'outbox relay',
    close: async () => {
      await relay.stop();
      await relay.drain();
    },
  });

  let started = false;
  const app = buildApp({ name: config.SERVICE_NAME, logger: log, ready: () => started && store.isOpen() });
  const topic = config.BUS_TOPIC ?? definition.topic;
  const outbox = createOutbox({ topic, source: definition.name });
  // What this service is, as the console reads it (/admin/describe): learned where it happens.
  const described: Described = {
    published: new Set(),
    routes: [],
    positions: new Map(),
    reactions: new Map(),
    commands: new Map(),
    retries: new Map(),
  };
  // The route whose handler is running its synchronous part: a command started there is that
  // route's (one started after an await is not known, and is listed under '').
  let runningRoute: string | undefined;
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/admin') || route.url.startsWith('/health') || route.url === '/metrics') return;
    const { body, params, querystring } = (route.schema ?? {}) as Record<string, unknown>;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') described.routes.push({ method, url: route.url, body, params, querystring });
    }
    const handler = route.handler;
    route.handler = function (this: unknown, request, reply) {
      const outer = runningRoute;
      runningRoute = `${request.method} ${route.url}`;
      try {
        return handler.call(this as never, request, reply);
      } finally {
        runningRoute = outer;
      }
    };
  });
  const recorder =
    (
      trx: Kysely<DB>,
      traceparent: string | undefined,
      cause: { policy: string } | { route: string },
    ): RecordEvents =>
    async (events) => {
      const learned =
        'policy' in cause
          ? (described.reactions.get(cause.policy) ??
            described.reactions.set(cause.policy, new Set()).get(cause.policy)!)
          : (described.commands.get(cause.route) ??
            described.commands.set(cause.route, new Set()).get(cause.route)!);
      for (const event of events) {
        described.published.add(event.type);
        learned.add(event.type);
      }
      await outbox.record(trx, events, { traceparent });
    };
  let consumer: IdempotentConsumer | undefined;
  const clients: Array<{ name: string; client: HttpClient }> = [];

  const context: ServiceContext<DB, BaseConfig & Static<C>> = {
    name: definition.name,
    app,
    config,
    store,
    bus,
    log,
    async command(work, traceparent) {
      const route = runningRoute ?? '';
      const result = await store.transaction((trx) => work(trx, recorder(trx, traceparent, { route })));
      relay.notify();
      return result;
    },
    policies(handlers) {
      if (consumer) throw new Error(`${definition.name}: policies() may be called once`);
      const wrapped: Record<string, PolicyHandler<DB>> = {};
      for (const [type, handle] of Object.entries(handlers)) {
        wrapped[type] = (event, trx) =>
          handle(event, trx, recorder(trx, event.traceparent, { policy: type }));
      }
      consumer = idempotentConsumer<DB>({
        store,
        group: definition.name,
        handlers: wrapped,
        afterCommit: () => relay.notify(),
        onRetry: (event, error, attempt) => {
          // Kept a while for the console's saga timelines (the newest 10,000 events retried).
          described.retries.delete(event.id);
          described.retries.set(event.id, attempt);
          if (described.retries.size > 10_000)
            described.retries.delete(described.retries.keys().next().value!);
          log.warn({ err: error, eventId: event.id, type: event.type, attempt }, 'policy failed; retrying');
        },
        onParked: (event, error) =>
          log.error(
            { err: error, eventId: event.id, type: event.type },
            'policy keeps failing; event parked',
          ),
      });
    },
    httpClient(options) {
      const client = createHttpClient(options);
      clients.push({ name: options.name, client });
      resources.push({ name: `http client ${options.name}`, close: () => client.close() });
      return client;
    },
    onClose(resource) {
      resources.push(resource);
    },
  };
  await definition.setup(context);
  installOperations(app, {
    name: definition.name,
    topic,
    store,
    relay,
    clients,
    consumer: () => consumer,
    described,
  });
  if (config.TEST_HOOKS) installTestHooks(app);

  return {
    app,
    context,
    resources,
    async start() {
      relay.start();
      if (consumer) {
        const { handle, handleBatch, types } = consumer;
        const seen = (event: { partition: number; offset: number }) => {
          if ((described.positions.get(event.partition) ?? -1) < event.offset)
            described.positions.set(event.partition, event.offset);
        };
        const consumed = new Counter({
          name: 'events_consumed_total',
          help: 'Events of the types this service handles that it took from the bus and finished with (handled, duplicate or parked)',
          labelNames: ['type'],
          registers: [app.metrics],
        });
        const subscription = await bus.subscribe({
          topic,
          group: definition.name,
          types,
          handler: async (event) => {
            await handle(event);
            seen(event);
            consumed.inc({ type: event.type });
          },
          batchHandler: async (events) => {
            await handleBatch(events);
            for (const event of events) {
              seen(event);
              consumed.inc({ type: event.type });
            }
          },
        });
        resources.push({ name: 'consumer group', close: () => subscription.close() });
      }
      started = true;
    },
    async close() {
      started = false;
      await app.close();
      for (const resource of [...resources].reverse()) await resource.close();
    },
  };
}

/** Builds, starts and listens; SIGTERM shuts it down gracefully (the process entry of a service). */
export async function startService<DB, C extends TObject>(
  definition: ServiceDefinition<DB, C>,
  env: Record<string, string | undefined> = process.env,
): Promise<RunningService> {
  const service = await buildService(definition, env);
  await service.start();
  const { HOST, PORT } = service.context.config;
  return runService({ app: service.app, host: HOST, port: PORT, resources: service.resources });
}

/** Lets system tests make a healthy process fail its liveness probe, as a deadlock would. */
function installTestHooks(app: App): void {
  app.post('/admin/test/unhealthy', async () => {
    app.health.setLive(false);
    return { live: false };
  });
}

interface Described {
  /** Event types this service recorded since it started. */
  readonly published: Set<string>;
  /** Its own routes with their schemas (what the console's actor forms are made from). */
  readonly routes: Array<{
    method: string;
    url: string;
    body?: unknown;
    params?: unknown;
    querystring?: unknown;
  }>;
  /** The highest offset handled per partition by this member since it started. */
  readonly positions: Map<number, number>;
  /** Handled type → the types its policy recorded. */
  readonly reactions: Map<string, Set<string>>;
  /** `METHOD /url` of the route that ran a command ('' when not known) → the types it recorded. */
  readonly commands: Map<string, Set<string>>;
  /** Event id → failed attempts before the last one (this process's, newest 10,000). */
  readonly retries: Map<string, number>;
}

/** Operator endpoints and gauges every service has: parked events, outbox backlog, breakers. */
function installOperations(
  app: App,
  parts: {
    name: string;
    topic: string;
    store: Store<any>;
    relay: OutboxRelay;
    clients: Array<{ name: string; client: HttpClient }>;
    consumer: () => IdempotentConsumer | undefined;
    described: Described;
  },
): void {
  // What the console draws a system's map from: declared (routes, handled types, calls) and seen
  // (types recorded, positions), so a system needs no declaration of its events beyond its code.
  app.get('/admin/describe', { logLevel: 'silent' }, async () => {
    const consumer = parts.consumer();
    const { described } = parts;
    return {
      service: parts.name,
      topic: parts.topic,
      group: consumer?.group ?? null,
      handles: consumer?.types ?? [],
      publishes: [...described.published],
      reactions: Object.fromEntries([...described.reactions].map(([type, set]) => [type, [...set]])),
      commands: Object.fromEntries([...described.commands].map(([route, set]) => [route, [...set]])),
      routes: described.routes,
      calls: parts.clients.map(({ name, client }) => ({ dependency: name, breaker: client.breakerState })),
      positions: Object.fromEntries(described.positions),
      outboxBacklog: await parts.relay.backlog(),
      parked: (await messaging(parts.store.db).selectFrom('bounded_parked').select('event_id').execute())
        .length,
    };
  });
  /** When this service's group handled the events named (its inbox rows), for saga timelines. */
  app.get<{ Querystring: { ids?: string } }>('/admin/handled', { logLevel: 'silent' }, async (request) => {
    const ids = (request.query.ids ?? '').split(',').filter(Boolean).slice(0, 500);
    if (ids.length === 0) return { handled: [] };
    const rows = await messaging(parts.store.db)
      .selectFrom('bounded_inbox')
      .select(['grp', 'event_id', 'handled_at'])
      .where('event_id', 'in', ids)
      .execute();
    return {
      handled: rows.map((r) => ({
        group: r.grp,
        eventId: r.event_id,
        handledAt: Number(r.handled_at),
        ...(parts.described.retries.has(r.event_id)
          ? { retries: parts.described.retries.get(r.event_id) }
          : {}),
      })),
    };
  });
  app.delete<{ Params: { eventId: string } }>('/admin/parked/:eventId', async (request) => {
    const result = await messaging(parts.store.db)
      .deleteFrom('bounded_parked')
      .where('event_id', '=', request.params.eventId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0)
      throw new NotFoundError('PARKED_EVENT.NOT_FOUND', `no parked event ${request.params.eventId}`);
    return { eventId: request.params.eventId, outcome: 'discarded' };
  });
  app.get('/admin/parked', async () => ({ parked: await listParked(parts.store) }));
  app.post<{ Params: { eventId: string } }>('/admin/parked/:eventId/replay', async (request) => {
    const consumer = parts.consumer();
    if (!consumer) throw new NotFoundError('PARKED_EVENT.NOT_FOUND', 'this service has no consumer group');
    return { eventId: request.params.eventId, outcome: await consumer.replay(request.params.eventId) };
  });
  new Gauge({
    name: 'outbox_backlog',
    help: 'Events committed but not yet published',
    registers: [app.metrics],
    async collect() {
      this.set(await parts.relay.backlog());
    },
  });
  new Gauge({
    name: 'circuit_breaker_open',
    help: '1 when the breaker of a sync dependency is open (half-open counts as open)',
    labelNames: ['dependency'],
    registers: [app.metrics],
    collect() {
      for (const { name, client } of parts.clients)
        this.set({ dependency: name }, client.breakerState === 'closed' ? 0 : 1);
    },
  });
}
