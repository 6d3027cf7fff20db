/**
 * Live events: the system's events as they are published, filtered on the server over every event
 * it saw; at most LIVE_EVENTS_PER_SECOND (100) a second are sent (the page says how many it was not sent), a pause shows
 * every kept one; virtualised.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { type ConsoleEvent, LIVE_EVENTS_PER_SECOND } from '../../src/model.ts';
import { type EventQuery, getJson, queryOf, time, useEvents } from './store.ts';

const ROW = 26;
const OVERSCAN = 6;

export function envelopeOf(e: ConsoleEvent) {
  return {
    topic: e.topic,
    partition: e.partition,
    offset: e.offset,
    key: e.key,
    headers: {
      type: e.type,
      id: e.id,
      ...(e.source ? { source: e.source } : {}),
      ...(e.traceparent ? { traceparent: e.traceparent } : {}),
    },
    value: { eventType: e.type, timestamp: e.timestamp, ...e.data },
    seenAt: new Date(e.seenAt).toISOString(),
  };
}

/** Only the rows in sight (and a few more) are in the page, however long the list. */
export function VirtualList<T>(props: {
  count: number;
  /** The item at a row (the list may be shown in another order than it is kept). */
  at: (index: number) => T;
  keyOf: (item: T) => string | number;
  row: (item: T, index: number) => preact.JSX.Element;
  height: number;
  testid?: string;
}) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(props.count, first + Math.ceil(props.height / ROW) + 2 * OVERSCAN);
  const rows: preact.JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const item = props.at(i);
    // Keyed by the item: as new events arrive on top, rows move instead of all being rewritten.
    rows.push(
      <div class="vrow" style={{ top: `${i * ROW}px`, height: `${ROW}px` }} key={props.keyOf(item)}>
        {props.row(item, i)}
      </div>,
    );
  }
  return (
    <div
      class="vlist"
      style={{ height: `${props.height}px` }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
      data-testid={props.testid}
      data-count={props.count}
    >
      <div style={{ height: `${props.count * ROW}px`, position: 'relative' }}>{rows}</div>
    </div>
  );
}

/** Waits until typing stopped for a moment: a new filter is a new stream from the server. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Every kept event the filter matches (up to the server's 20,000), as a paused page shows them. */
function usePaused(system: string, filter: EventQuery, paused: boolean) {
  const [list, setList] = useState<{ events: ConsoleEvent[]; matched: number; query: string }>();
  const query = queryOf(filter, { limit: '20000' });
  useEffect(() => {
    if (!paused) return setList(undefined);
    let stop = false;
    void getJson<{ events: ConsoleEvent[]; matched: number }>(
      `/api/systems/${encodeURIComponent(system)}/events?${query}`,
    ).then((found) => !stop && setList({ ...found, query }));
    return () => {
      stop = true;
    };
  }, [system, query, paused]);
  return paused && list?.query === query ? list : undefined;
}

export function EventsView(props: {
  system: string;
  /** Every type the console has seen (the type filter's choices). */
  types: readonly string[];
  services: string[];
  onKey: (key: string) => void;
}) {
  const [type, setType] = useState('');
  const [key, setKey] = useState('');
  const [service, setService] = useState('');
  const [text, setText] = useState('');
  const [paused, setPaused] = useState(false);
  const [chosen, setChosen] = useState<ConsoleEvent>();
  const typed = useSettled(`${key}\u0000${text}`, 200).split('\u0000');
  const filter = useMemo(
    () => ({ type, service, key: typed[0], text: typed[1] }),
    [type, service, typed[0], typed[1]],
  );
  // The server filters every event it saw; while paused the live stream is closed.
  const live = useEvents(props.system, paused ? undefined : filter);
  // Paused, the inputs as they are (not waiting for typing to settle): one fetch each.
  const frozen = usePaused(props.system, { type, service, key, text }, paused);
  const shown = frozen?.events ?? (paused ? [] : live.events);
  const newestFirst = (i: number) => shown[shown.length - 1 - i];
  const types = [...new Set([...props.types, ...(type ? [type] : [])])].sort();
  return (
    <div class="events">
      <div class="filters">
        <select value={type} onChange={(e) => setType(e.currentTarget.value)} aria-label="type">
          <option value="">every type</option>
          {types.map((t) => (
            <option value={t}>{t}</option>
          ))}
        </select>
        <input
          placeholder="key"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-label="key"
        />
        <select value={service} onChange={(e) => setService(e.currentTarget.value)} aria-label="service">
          <option value="">every service</option>
          {props.services.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <input
          placeholder="text in payload"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          aria-label="text"
        />
        <button type="button" onClick={() => setPaused(!paused)} data-testid="pause">
          {paused ? 'resume' : 'pause'}
        </button>
        <span
          class="count"
          data-testid="event-count"
          data-shown={shown.length}
          data-not-sent={paused ? 0 : live.notSent}
        >
          {paused
            ? `paused · ${frozen ? `${frozen.events.length} of the last ${frozen.matched} kept that match` : 'loading every kept event…'}`
            : `${shown.length} shown${live.notSent > 0 ? ` · ${live.notSent} more not sent` : ''}`}
        </span>
      </div>
      {!paused && live.notSent > 0 && (
        <p class="sampled" data-testid="sampled">
          Events come faster than anyone can read: this page is sent at most {LIVE_EVENTS_PER_SECOND} a
          second, the newest, and {live.notSent} more that match were left out. Pause to see every one the
          console keeps (the last 20,000), or filter by type, key, service or text.
        </p>
      )}
      <div class="events-body">
        <div>
          <div class="vrow head">
            <span class="c-time">time</span>
            <span class="c-type">type</span>
            <span class="c-key">key</span>
            <span class="c-src">source</span>
            <span class="c-pos">partition/offset</span>
          </div>
          <VirtualList
            count={shown.length}
            at={newestFirst}
            keyOf={(e) => e.id}
            height={Math.max(300, innerHeight - 190)}
            testid="event-list"
            row={(e) => (
              // biome-ignore lint/a11y/useSemanticElements: a button's rendering made each frame of the live list cost twice as much
              <div
                role="button"
                tabIndex={0}
                class={`event-row${chosen?.id === e.id ? ' chosen' : ''}`}
                onClick={() => setChosen(e)}
                onKeyDown={(k) => (k.key === 'Enter' || k.key === ' ') && setChosen(e)}
                data-type={e.type}
                data-key={e.key}
              >
                <span class="c-time">{time(e.timestamp)}</span>
                <span class="c-type">{e.type}</span>
                <span class="c-key">{e.key}</span>
                <span class="c-src">{e.source ?? '?'}</span>
                <span class="c-pos">
                  {e.partition}/{e.offset}
                </span>
              </div>
            )}
          />
        </div>
        {chosen && (
          <aside class="envelope" data-testid="envelope">
            <h3>
              {chosen.type} <small>key {chosen.key}</small>
            </h3>
            <button type="button" onClick={() => props.onKey(chosen.key)}>
              saga timeline of {chosen.key}
            </button>
            <pre>{JSON.stringify(envelopeOf(chosen), null, 2)}</pre>
          </aside>
        )}
      </div>
    </div>
  );
}
