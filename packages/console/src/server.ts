/**
 * The console on the runner's control endpoint: the built front end at `/`, its data under
 * `/api/…` (system maps, boards, events, timelines, parked events, an actor's calls through the
 * gateway), live updates over SSE (streams.ts), security headers on every response (headers.ts).
 * Operations on processes use the endpoint's own `/processes/…` routes, the same ones `npx bounded` calls.
 */
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { devConfig } from '@bounded/auth';
import type { EventBus } from '@bounded/bus';
import { type App, openBus } from '@bounded/kernel';
import { type Asset, ensureBuilt, loadAssets } from './assets.ts';
import { SystemFeed } from './feed.ts';
import { addSecurityHeaders } from './headers.ts';
import type { DevUser, InstanceInfo, SystemDeclaration } from './model.ts';
import { installStreams } from './streams.ts';
import { buildTimeline, type Handling, type Parking } from './timeline.ts';

export interface ConsoleOptions {
  readonly systems: readonly SystemDeclaration[];
  /** The runner's data folder: each system's embedded bus is in `<dataDir>/<system>/bus`. */
  readonly dataDir: string;
  /** The runner's processes. */
  readonly instances: () => readonly InstanceInfo[];
  /** The auth service (tokens for the actor's dev users). */
  readonly authUrl?: string;
  /** Each system's gateway. */
  readonly gateways: () => ReadonlyArray<{ system: string; url: string }>;
  /** BUS_URL as the services get it (default: the embedded log). */
  readonly busUrl?: string;
  /** Opens a system's bus (tests pass their own). */
  readonly openBus?: (system: SystemDeclaration) => Promise<EventBus>;
}

export interface InstalledConsole {
  readonly feeds: ReadonlyMap<string, SystemFeed>;
  close(): Promise<void>;
}

/** What a system declaration holds that the browser may see (no process entries, no env). */
function declarationOf(system: SystemDeclaration): SystemDeclaration {
  return {
    name: system.name,
    basePort: system.basePort,
    services: system.services.map((s) => ({ name: s.name, routes: s.routes ?? [], calls: s.calls ?? [] })),
  };
}

export async function installConsole(app: App, options: ConsoleOptions): Promise<InstalledConsole> {
  const assets = loadAssets(ensureBuilt());
  addSecurityHeaders(app);
  const systems = options.systems.map(declarationOf);
  const feeds = new Map<string, SystemFeed>();
  const buses: EventBus[] = [];
  for (const system of systems) {
    const bus = options.openBus
      ? await options.openBus(system)
      : await openBus(options.busUrl ?? process.env.BUS_URL, {
          dataDir: join(options.dataDir, system.name),
          clientId: 'bounded-console',
        });
    buses.push(bus);
    const feed = new SystemFeed({
      system,
      bus,
      topic: process.env.BUS_TOPIC,
      topologyFile: join(options.dataDir, system.name, 'console-topology.json'),
      instances: options.instances,
    });
    await feed.start();
    feeds.set(system.name, feed);
  }
  const streams = new Set<ServerResponse>();
  const feedOf = (name: string) => {
    const feed = feeds.get(name);
    if (!feed)
      throw Object.assign(new Error(`no system ${name} (known: ${[...feeds.keys()].join(', ')})`), {
        status: 404,
        code: 'CONSOLE.UNKNOWN_SYSTEM',
      });
    return feed;
  };
  const users: DevUser[] = (devConfig().users ?? []).map((u) => ({
    username: u.username,
    roles: u.roles,
    systems: u.systems ?? ['*'],
  }));

  const send = (reply: import('fastify').FastifyReply, asset: Asset | undefined) => {
    if (!asset) return reply.code(404).send({ message: 'not found' });
    return reply
      .type(asset.type)
      .header(
        'cache-control',
        asset.type.startsWith('text/html') ? 'no-cache' : 'max-age=31536000, immutable',
      )
      .send(asset.body);
  };
  app.get('/', { logLevel: 'silent' }, async (_request, reply) => send(reply, assets.get('/index.html')));
  app.get('/index.html', { logLevel: 'silent' }, async (_request, reply) =>
    send(reply, assets.get('/index.html')),
  );
  app.get<{ Params: { '*': string } }>('/assets/*', { logLevel: 'silent' }, async (request, reply) =>
    send(reply, assets.get(`/assets/${request.params['*']}`)),
  );
  app.get('/favicon.ico', { logLevel: 'silent' }, async (_request, reply) => reply.code(204).send());

  app.get('/api/systems', async () => ({ systems, users, gateways: options.gateways() }));
  app.get<{ Params: { system: string } }>('/api/systems/:system/board', async (request) =>
    feedOf(request.params.system).board(),
  );
  app.get<{ Params: { system: string } }>('/api/systems/:system/state', async (request) => {
    const feed = feedOf(request.params.system);
    await feed.poll();
    return feed.state();
  });
  app.get<{ Params: { system: string } }>('/api/systems/:system/describe', async (request) => {
    const feed = feedOf(request.params.system);
    if (feed.described.size === 0) await feed.poll();
    return { services: Object.fromEntries(feed.described) };
  });
  installStreams(app, feedOf, streams);

  /** The first answering instance of a service (its replicas share one database). */
  const instanceOf = (system: string, service: string) =>
    options.instances().find((i) => i.id === `${system}/${service}` && i.ready);

  app.get<{ Params: { system: string; key: string } }>(
    '/api/systems/:system/timeline/:key',
    async (request) => {
      const feed = feedOf(request.params.system);
      const { key } = request.params;
      if (feed.described.size === 0) await feed.poll();
      const events = feed.eventsOf(key);
      const ids = events.map((e) => e.id);
      const handled: Handling[] = [];
      const parked: Parking[] = [];
      const handles = new Map<string, readonly string[]>();
      await Promise.all(
        feed.system.services.map(async (service) => {
          const d = feed.described.get(service.name);
          if (!d?.group || d.handles.length === 0) return;
          handles.set(d.group, d.handles);
          const instance = instanceOf(feed.system.name, service.name);
          const mine = events.filter((e) => d.handles.includes(e.type)).map((e) => e.id);
          if (!instance || mine.length === 0) return;
          try {
            const h = (await feed.fetchJson(`${instance.url}/admin/handled?ids=${mine.join(',')}`)) as {
              handled: Handling[];
            };
            handled.push(...h.handled);
            const p = (await feed.fetchJson(`${instance.url}/admin/parked`)) as {
              parked: Array<Parking & { key: string }>;
            };
            parked.push(...p.parked.filter((x) => x.key === key && ids.includes(x.eventId)));
          } catch {
            // a service going down meanwhile: its handlings show as waiting
          }
        }),
      );
      // Each service's commands, to name the one that recorded an event when no route was told.
      const commands = Object.fromEntries(
        [...feed.described].map(([service, d]) => [
          service,
          d.routes.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`),
        ]),
      );
      return buildTimeline({
        system: feed.system,
        key,
        events,
        handled,
        parked,
        handles,
        topology: feed.topology,
        commands,
      });
    },
  );

  app.get<{ Params: { system: string } }>('/api/systems/:system/parked', async (request) => {
    const feed = feedOf(request.params.system);
    const all: unknown[] = [];
    await Promise.all(
      feed.system.services.map(async (service) => {
        const instance = instanceOf(feed.system.name, service.name);
        if (!instance) return;
        try {
          const p = (await feed.fetchJson(`${instance.url}/admin/parked`)) as { parked: object[] };
          all.push(...p.parked.map((x) => ({ ...x, service: service.name })));
        } catch {}
      }),
    );
    return { parked: all };
  });
  const forward = async (
    reply: import('fastify').FastifyReply,
    url: string,
    method: string,
    headers: Record<string, string> = {},
    body?: string,
  ) => {
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(15_000) });
    const text = await response.text();
    let payload: unknown = text;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {}
    return { status: response.status, headers: Object.fromEntries(response.headers), body: payload, reply };
  };
  for (const [verb, method, suffix] of [
    ['replay', 'POST', '/replay'],
    ['discard', 'DELETE', ''],
  ] as const) {
    const path =
      verb === 'replay'
        ? '/api/systems/:system/services/:service/parked/:eventId/replay'
        : '/api/systems/:system/services/:service/parked/:eventId';
    const handler = async (
      request: import('fastify').FastifyRequest<{
        Params: { system: string; service: string; eventId: string };
      }>,
      reply: import('fastify').FastifyReply,
    ) => {
      const { system, service, eventId } = request.params;
      feedOf(system);
      const instance = instanceOf(system, service);
      if (!instance) return reply.code(503).send({ message: `${system}/${service} has no ready instance` });
      const result = await forward(
        reply,
        `${instance.url}/admin/parked/${encodeURIComponent(eventId)}${suffix}`,
        method,
      );
      return reply.code(result.status).send(result.body);
    };
    if (method === 'POST') app.post(path, handler);
    else app.delete(path, handler);
  }

  // Acting as a development user: a token from the auth service, then the call through the gateway.
  const tokens = new Map<string, { token: string; until: number }>();
  const tokenFor = async (username: string, system: string): Promise<string> => {
    const cached = tokens.get(`${username} ${system}`);
    if (cached && cached.until > Date.now()) return cached.token;
    if (!options.authUrl) throw new Error('no auth service');
    const response = await fetch(`${options.authUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password', username, password: username, audience: system }),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; message?: string };
    if (!response.ok || !body.access_token)
      throw Object.assign(new Error(`no token for ${username}: ${body.message ?? response.status}`), {
        status: 401,
        code: 'CONSOLE.NO_TOKEN',
      });
    tokens.set(`${username} ${system}`, {
      token: body.access_token,
      until: Date.now() + ((body.expires_in ?? 300) - 30) * 1000,
    });
    return body.access_token;
  };
  app.post<{
    Params: { system: string };
    Body: { username: string; method: string; path: string; body?: unknown };
  }>('/api/systems/:system/act', async (request, reply) => {
    const { system } = request.params;
    feedOf(system);
    const { username, method, path, body } = request.body ?? ({} as never);
    if (!username || !method || typeof path !== 'string' || !path.startsWith('/'))
      return reply.code(400).send({ message: 'username, method and a path starting with / are needed' });
    const gateway = options.gateways().find((g) => g.system === system);
    if (!gateway) return reply.code(404).send({ message: `${system} has no gateway` });
    const token = await tokenFor(username, system);
    const started = Date.now();
    const result = await forward(
      reply,
      `${gateway.url}${path}`,
      method.toUpperCase(),
      {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body === undefined ? undefined : JSON.stringify(body),
    );
    return { status: result.status, headers: result.headers, body: result.body, ms: Date.now() - started };
  });

  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  return {
    feeds,
    async close() {
      for (const stream of streams) stream.end();
      for (const feed of feeds.values()) await feed.close();
      for (const bus of buses) await bus.close();
    },
  };
}
