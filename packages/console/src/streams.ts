/**
 * The console's live data over SSE, and its events on request:
 * - `/api/stream?system=…`: the system's state every second and its board when it changes —
 *   what the map, operations and saga tabs need; no events at all;
 * - `/api/systems/:system/events/stream?type&key&service&text&backlog`: the events a page's
 *   filter matches, the newest `backlog` of those kept first, then as they come, at most
 *   LIVE_EVENTS_PER_SECOND a second; each push says how many matching events it left out;
 * - `/api/systems/:system/events?…&limit`: every kept event the filter matches (up to `limit`),
 *   what a paused page shows.
 */
import type { ServerResponse } from 'node:http';
import type { App } from '@bounded/kernel';
import type { FastifyReply } from 'fastify';
import type { SystemFeed } from './feed.ts';
import { EventBudget, type EventFilter, filterOf, isEmpty, matcher, newestMatching } from './filter.ts';
import { SECURITY_HEADERS } from './headers.ts';
import { type ConsoleEvent, LIVE_EVENTS_PER_SECOND } from './model.ts';

const LIVE_BURST = LIVE_EVENTS_PER_SECOND;
const KEPT_MAX = 22_000;

/** One push of events to a page: the events sent, and how many matching ones were not. */
export interface EventsPush {
  readonly events: readonly ConsoleEvent[];
  readonly notSent: number;
}

const text = { type: 'string', maxLength: 500 } as const;
const filterProperties = { type: text, key: text, service: text, text } as const;
const count = (max: number) => ({ type: 'integer', minimum: 0, maximum: max }) as const;
const systemParams = { type: 'object', required: ['system'], properties: { system: text } } as const;

interface EventsQuery extends EventFilter {
  readonly limit?: number;
  readonly backlog?: number;
}

/** One JSON text per pushed object, however many pages receive it. */
const texts = new WeakMap<object, string>();
function serialized(data: unknown): string {
  if (typeof data !== 'object' || data === null) return JSON.stringify(data);
  let json = texts.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    texts.set(data, json);
  }
  return json;
}

/** Takes the response over as an SSE stream (kept in `streams` so closing the console ends it). */
function openStream(reply: FastifyReply, streams: Set<ServerResponse>, onClose: () => void) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  streams.add(raw);
  raw.on('close', () => {
    onClose();
    streams.delete(raw);
  });
  return (event: string, data: unknown) => raw.write(`event: ${event}\ndata: ${serialized(data)}\n\n`);
}

export function installStreams(
  app: App,
  feedOf: (system: string) => SystemFeed,
  streams: Set<ServerResponse>,
): void {
  app.get<{ Querystring: { system: string } }>(
    '/api/stream',
    {
      logLevel: 'silent',
      schema: { querystring: { type: 'object', required: ['system'], properties: { system: text } } },
    },
    async (request, reply) => {
      const feed = feedOf(request.query.system);
      let unsubscribe = () => {};
      const write = openStream(reply, streams, () => unsubscribe());
      unsubscribe = feed.subscribe(({ event, data }) => {
        if (event !== 'events') write(event, data);
      });
      await feed.poll();
      write('state', feed.state());
      write('board', await feed.board());
    },
  );

  app.get<{ Params: { system: string }; Querystring: EventsQuery }>(
    '/api/systems/:system/events/stream',
    {
      logLevel: 'silent',
      schema: {
        params: systemParams,
        querystring: { type: 'object', properties: { ...filterProperties, backlog: count(KEPT_MAX) } },
      },
    },
    async (request, reply) => {
      const feed = feedOf(request.params.system);
      const filter = filterOf(request.query);
      const matches = isEmpty(filter) ? () => true : matcher(filter);
      const budget = new EventBudget(LIVE_EVENTS_PER_SECOND, LIVE_BURST);
      let unsubscribe = () => {};
      const write = openStream(reply, streams, () => unsubscribe());
      // What is kept first, whole (up to `backlog`: a page asks for one screenful and more).
      const kept = newestMatching(feed.events, filter, request.query.backlog ?? 2000);
      write('events', {
        events: kept.events,
        notSent: kept.matched - kept.events.length,
      } satisfies EventsPush);
      unsubscribe = feed.subscribe(({ event, data }) => {
        if (event !== 'events') return;
        const matching = (data as ConsoleEvent[]).filter(matches);
        if (matching.length === 0) return;
        const { sent, notSent } = budget.take(matching);
        write('events', { events: sent, notSent } satisfies EventsPush);
      });
    },
  );

  app.get<{ Params: { system: string }; Querystring: EventsQuery }>(
    '/api/systems/:system/events',
    {
      schema: {
        params: systemParams,
        querystring: { type: 'object', properties: { ...filterProperties, limit: count(KEPT_MAX) } },
      },
    },
    async (request) => {
      const feed = feedOf(request.params.system);
      await feed.caughtUp();
      const found = newestMatching(feed.events, filterOf(request.query), request.query.limit ?? 2000);
      return { events: found.events, matched: found.matched };
    },
  );
}
