/** The page's live data: one SSE stream per shown system, events kept in a bounded array. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleEvent, DevUser, LaidOutBoard, SystemDeclaration, SystemState } from '../../src/model.ts';

export const MAX_EVENTS = 20_000;

export interface Catalog {
  systems: SystemDeclaration[];
  users: DevUser[];
  gateways: Array<{ system: string; url: string }>;
}

export interface Live {
  events: ConsoleEvent[];
  /** Bumped on every change, so components re-render without copying the array. */
  version: number;
  state?: SystemState;
  board?: LaidOutBoard;
  connected: boolean;
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

export function useLive(system: string | undefined, showsEvents: boolean): Live {
  const [live, setLive] = useState<Live>({ events: [], version: 0, connected: false });
  // A tab that shows no events (the map) is not re-rendered for each batch of them.
  const wanted = useRef(showsEvents);
  wanted.current = showsEvents;
  useEffect(() => {
    if (!system) return;
    const events: ConsoleEvent[] = [];
    let current: Live = { events, version: 0, connected: false };
    setLive(current);
    const source = new EventSource(`/api/stream?system=${encodeURIComponent(system)}&backlog=5000`);
    // At most four renders a second, however fast events come: the page stays cheap under load.
    let scheduled = false;
    let renderedAt = 0;
    const update = (patch: Partial<Live>) => {
      current = { ...current, ...patch, version: current.version + 1 };
      if (scheduled) return;
      scheduled = true;
      setTimeout(
        () =>
          requestAnimationFrame(() => {
            scheduled = false;
            renderedAt = performance.now();
            setLive(current);
          }),
        Math.max(0, 250 - (performance.now() - renderedAt)),
      );
    };
    source.addEventListener('open', () => update({ connected: true }));
    source.addEventListener('error', () => update({ connected: false }));
    source.addEventListener('events', (message) => {
      const batch = JSON.parse((message as MessageEvent).data) as ConsoleEvent[];
      // bench:console defines this to measure how far the page lags the bus.
      const lag = (window as unknown as { __boundedLag?: number[] }).__boundedLag;
      if (lag && current.connected) {
        const now = Date.now();
        for (const e of batch) if (lag.length < 1_000_000) lag.push(now - e.timestamp);
      }
      for (const e of batch) events.push(e);
      if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
      if (wanted.current) update({});
      else current = { ...current, version: current.version + 1 };
    });
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
