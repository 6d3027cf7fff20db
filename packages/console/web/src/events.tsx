/** Live events: every event of the system's topic as it is published; filtered, pausable, virtualised. */
import { useMemo, useRef, useState } from 'preact/hooks';
import type { ConsoleEvent } from '../../src/model.ts';
import { time } from './store.ts';

const ROW = 26;

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

export function VirtualList<T>(props: {
  items: readonly T[];
  row: (item: T, index: number) => preact.JSX.Element;
  height: number;
  testid?: string;
}) {
  const [top, setTop] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const first = Math.max(0, Math.floor(top / ROW) - 10);
  const count = Math.ceil(props.height / ROW) + 20;
  const visible = props.items.slice(first, first + count);
  return (
    <div
      class="vlist"
      ref={ref}
      style={{ height: `${props.height}px` }}
      onScroll={(e) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
      data-testid={props.testid}
      data-count={props.items.length}
    >
      <div style={{ height: `${props.items.length * ROW}px`, position: 'relative' }}>
        {visible.map((item, i) => (
          <div class="vrow" style={{ top: `${(first + i) * ROW}px`, height: `${ROW}px` }} key={first + i}>
            {props.row(item, first + i)}
          </div>
        ))}
      </div>
    </div>
  );
}

export function EventsView(props: {
  events: ConsoleEvent[];
  version: number;
  services: string[];
  onKey: (key: string) => void;
}) {
  const [type, setType] = useState('');
  const [key, setKey] = useState('');
  const [service, setService] = useState('');
  const [text, setText] = useState('');
  const [paused, setPaused] = useState<ConsoleEvent[] | null>(null);
  const [chosen, setChosen] = useState<ConsoleEvent>();
  const source = paused ?? props.events;
  const types = useMemo(() => [...new Set(props.events.map((e) => e.type))].sort(), [props.version]);
  const shown = useMemo(() => {
    const needle = text.toLowerCase();
    const list = source.filter(
      (e) =>
        (!type || e.type === type) &&
        (!key || e.key === key) &&
        (!service || e.source === service) &&
        (!needle ||
          JSON.stringify(e.data).toLowerCase().includes(needle) ||
          e.type.toLowerCase().includes(needle)),
    );
    return list.reverse(); // newest first
  }, [source, props.version, type, key, service, text, paused]);
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
        <button
          type="button"
          onClick={() => setPaused(paused ? null : [...props.events])}
          data-testid="pause"
        >
          {paused ? 'resume' : 'pause'}
        </button>
        <span class="count" data-testid="event-count">
          {shown.length} shown{paused ? ' (paused)' : ''} · {props.events.length} received
        </span>
      </div>
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
            items={shown}
            height={Math.max(300, innerHeight - 190)}
            testid="event-list"
            row={(e) => (
              <button
                type="button"
                class={`event-row${chosen?.id === e.id ? ' chosen' : ''}`}
                onClick={() => setChosen(e)}
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
              </button>
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
