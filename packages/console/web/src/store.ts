/**
 * The page's live data: the shown system's state and board over one SSE stream, and — only on the
 * tabs that show events — a stream of the events its filter matches, kept in a bounded array.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleEvent, DevUser, LaidOutBoard, SystemDeclaration, SystemState } from '../../src/model.ts';

export const MAX_EVENTS = 20_000;

export interface Catalog {
  systems: SystemDeclaration[];
  users: DevUser[];
  gateways: Array<{ system: string; url: string }>;
}

export interface Live {
  state?: SystemState;
  board?: LaidOutBoard;
  connected: boolean;
}

/** A page's live events: those its filter matches, as the server sends them. */
export interface LiveEvents {
  events: ConsoleEvent[];
  /** Bumped on every change, so components re-render without copying the array. */
  version: number;
  /** Matching events the server counted but did not send (over its budget a second). */
  notSent: number;
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok)
    throw Object.assign(new Error(body?.message ?? response.statusText), { status: response.status, body });
  return body as T;
}

export function useCatalog(): Catalog | undefined {
  const [catalog, setCatalog] = useState<Catalog>();
  useEffect(() => {
    void getJson<Catalog>('/api/systems').then(setCatalog);
  }, []);
  return catalog;
}

/**
 * Calls `apply` at most once every `ms()` (in an animation frame), however often the returned
 * function is called: the page stays cheap under load.
 */
function throttled(apply: () => void, ms: () => number): () => void {
  let scheduled = false;
  let appliedAt = 0;
  return () => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(
      () =>
        requestAnimationFrame(() => {
          scheduled = false;
          appliedAt = performance.now();
          apply();
        }),
      Math.max(0, ms() - (performance.now() - appliedAt)),
    );
  };
}

/** The system's state (every second) and board (on change): no events. */
export function useLive(system: string | undefined): Live {
  const [live, setLive] = useState<Live>({ connected: false });
  useEffect(() => {
    if (!system) return;
    let current: Live = { connected: false };
    setLive(current);
    const source = new EventSource(`/api/stream?system=${encodeURIComponent(system)}`);
    const render = throttled(
      () => setLive(current),
      () => 250,
    );
    const update = (patch: Partial<Live>) => {
      current = { ...current, ...patch };
      render();
    };
    source.addEventListener('open', () => update({ connected: true }));
    source.addEventListener('error', () => update({ connected: false }));
    source.addEventListener('state', (message) =>
      update({ state: JSON.parse((message as MessageEvent).data) }),
    );
    source.addEventListener('board', (message) =>
      update({ board: JSON.parse((message as MessageEvent).data) }),
    );
    return () => source.close();
  }, [system]);
  return live;
}

export interface EventQuery {
  type?: string;
  key?: string;
  service?: string;
  text?: string;
}

export function queryOf(filter: EventQuery, extra: Record<string, string>): string {
  const params = new URLSearchParams(extra);
  for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
  return params.toString();
}

/**
 * The events the filter matches, live: one stream per filter (a new filter is a new stream, whose
 * first push is what the server kept of it). `filter` undefined: no stream.
 */
export function useEvents(system: string | undefined, filter: EventQuery | undefined): LiveEvents {
  const [live, setLive] = useState<LiveEvents>({ events: [], version: 0, notSent: 0 });
  const query = filter && system ? queryOf(filter, { backlog: '5000' }) : undefined;
  useEffect(() => {
    if (!system || query === undefined) return;
    const events: ConsoleEvent[] = [];
    let current: LiveEvents = { events, version: 0, notSent: 0 };
    setLive(current);
    const source = new EventSource(`/api/systems/${encodeURIComponent(system)}/events/stream?${query}`);
    // A frame of the list costs far more than taking events in: four a second while every event
    // is sent, one a second once the server sends only a sample (a screenful of new rows a
    // second is more than anyone reads).
    let sampled = false;
    const render = throttled(
      () => setLive(current),
      () => (sampled ? 1000 : 250),
    );
    source.addEventListener('events', (message) => {
      const push = JSON.parse((message as MessageEvent).data) as { events: ConsoleEvent[]; notSent: number };
      // bench:console defines this to measure how far the page lags the bus.
      const lag = (window as unknown as { __boundedLag?: number[] }).__boundedLag;
      if (lag) {
        const now = Date.now();
        for (const e of push.events) if (lag.length < 1_000_000) lag.push(now - e.timestamp);
      }
      for (const e of push.events) events.push(e);
      if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
      current = { events, version: current.version + 1, notSent: current.notSent + push.notSent };
      sampled = push.notSent > 0;
      render();
    });
    return () => source.close();
  }, [system, query]);
  return query === undefined ? NO_EVENTS : live;
}

const NO_EVENTS: LiveEvents = { events: [], version: 0, notSent: 0 };

export interface Route {
  system?: string;
  tab: string;
  arg?: string;
}

export function parseHash(hash: string): Route {
  const [system, tab, ...rest] = hash.replace(/^#\/?/, '').split('/');
  return {
    system: system || undefined,
    tab: tab || 'map',
    arg: rest.length ? decodeURIComponent(rest.join('/')) : undefined,
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function go(route: Route): void {
  location.hash = `#/${route.system ?? ''}/${route.tab}${route.arg ? `/${encodeURIComponent(route.arg)}` : ''}`;
}

export const time = (ms: number): string => {
  const d = new Date(ms);
  return `${d.toLocaleTimeString('en-GB', { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};
