/**
 * One system's live feed: reads the system's topic through the EventBus port as a consumer group
 * of its own (so it works on the embedded log, Kafka and NATS alike, and never takes partitions
 * from the services' groups), keeps the latest events in a ring, learns the topology, and polls
 * the services' /admin/describe while someone watches.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeliveredEvent, EventBus, Subscription } from '@bounded/bus';
import { buildBoard, learn, learnDescribed } from './board.ts';
import { layoutBoard } from './layout.ts';
import {
  type ConsoleEvent,
  emptyTopology,
  type InstanceInfo,
  type LaidOutBoard,
  type ServiceDescription,
  type ServiceState,
  type SystemDeclaration,
  type SystemState,
  type Topology,
} from './model.ts';

/** The console's consumer group on every system's topic. */
export const CONSOLE_GROUP = 'bounded-console';
const RING = 20_000;
/** The ring is cut back to RING when it passed it by this much: one splice per many batches. */
const RING_SLACK = 2000;
const RATE_WINDOW_MS = 5000;
const READ_AFTER_LAST_WATCHER_MS = 60_000;
/**
 * After a batch, the reader rests this long before the next: under load one round then reads
 * hundreds of events instead of a few (a round's fixed cost — a read transaction, a query per
 * partition, a commit — was most of what the console spent per event), and a page is told of
 * them in one push. Pages see events at most this much later; the lag target is 1 s.
 */
const READ_EVERY_MS = 250;
/** A batch this big means the reader is behind (a page opened after a while): no rest. */
const CATCHING_UP = 2000;

export interface FeedOptions {
  readonly system: SystemDeclaration;
  readonly bus: EventBus;
  readonly topic?: string;
  /** Where the learned topology is kept between runs (JSON). */
  readonly topologyFile?: string;
  /** The runner's view of the processes. */
  readonly instances: () => readonly InstanceInfo[];
  /** Fetches JSON from an instance (injectable for tests). */
  readonly fetchJson?: (url: string) => Promise<unknown>;
}

export type FeedListener = (message: { event: 'events' | 'state' | 'board'; data: unknown }) => void;

export class SystemFeed {
  readonly system: SystemDeclaration;
  readonly events: ConsoleEvent[] = [];
  readonly topology: Topology;
  readonly described = new Map<string, ServiceDescription>();
  /** Last known highest handled offset per group and partition (kept while a service is down). */
  readonly positions = new Map<string, Map<number, number>>();
  readonly #options: FeedOptions;
  readonly #listeners = new Set<FeedListener>();
  readonly #byKey = new Map<string, ConsoleEvent[]>();
  readonly #types = new Set<string>();
  #seq = 0;
  #subscription: Subscription | undefined;
  #board: LaidOutBoard | undefined;
  #boardDirty = true;
  #boardBuilding: Promise<LaidOutBoard> | undefined;
  #boardBuiltAt = 0;
  #boardSignature = '';
  #timers: NodeJS.Timeout[] = [];
  #polling: Promise<void> | undefined;
  #topologyDirty = false;

  constructor(options: FeedOptions) {
    this.#options = options;
    this.system = options.system;
    this.topology = readTopology(options.topologyFile);
  }

  get fetchJson(): (url: string) => Promise<unknown> {
    return this.#options.fetchJson ?? defaultFetchJson;
  }

  /**
   * Starts the timers. The topic is read only while someone watches (and a minute after): the
   * group's position then waits, and a page opened later catches up from where it stopped, so
   * nothing is missed and a system nobody looks at pays nothing for its console.
   */
  async start(): Promise<void> {
    let tick = 0;
    this.#timers.push(
      setInterval(() => {
        // Every second while a page watches; every 10 s otherwise, so what the services say
        // they recorded is learned (and kept) even when nobody looks.
        if (this.#listeners.size > 0)
          void this.poll().then(() => {
            this.#emit('state', this.state());
            // A layout costs tens of ms: while the map is being learned, at most one every 3 s.
            if (this.#boardDirty && Date.now() - this.#boardBuiltAt > 3000) {
              const before = this.#board;
              void this.board().then((b) => b !== before && this.#emit('board', b));
            }
          });
        else if (++tick % 10 === 0) void this.poll();
        if (this.#topologyDirty) this.#saveTopology();
      }, 1000),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#idle);
    this.#wake?.();
    await this.#reading;
    await this.#subscription?.close();
    this.#subscription = undefined;
    if (this.#topologyDirty) this.#saveTopology();
  }

  #closed = false;
  #reading: Promise<void> | undefined;
  #idle: NodeJS.Timeout | undefined;
  #lastBatchAt = 0;

  /** Reads the topic (as the console's own group) until a minute after the last watcher left. */
  read(): Promise<void> {
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => void this.#stopReading(), READ_AFTER_LAST_WATCHER_MS);
    if (this.#subscription || this.#closed) return this.#reading ?? Promise.resolve();
    this.#reading ??= this.#options.bus
      .subscribe({
        topic: this.#options.topic ?? this.system.name,
        group: CONSOLE_GROUP,
        // Only the events a page is sent (or a filter reads) have their bodies decoded.
        lazyBodies: true,
        handler: async (event) => this.#takeAndRest([event]),
        batchHandler: async (events) => this.#takeAndRest(events),
      })
      .then((subscription) => {
        this.#subscription = subscription;
      })
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  async #stopReading(): Promise<void> {
    if (this.#listeners.size > 0) {
      this.#idle = setTimeout(() => void this.#stopReading(), READ_AFTER_LAST_WATCHER_MS);
      return;
    }
    await this.#reading;
    const subscription = this.#subscription;
    this.#subscription = undefined;
    this.#wake?.();
    await subscription?.close();
  }

  /** Ends the reader's rest early (closing: the subscription waits for the batch in flight). */
  #wake: (() => void) | undefined;

  async #takeAndRest(delivered: readonly DeliveredEvent[]): Promise<void> {
    const batch = this.#take(delivered);
    if (this.#listeners.size > 0 && batch.length > 0) this.#emit('events', batch);
    if (delivered.length >= CATCHING_UP || this.#closed || !this.#subscription) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, READ_EVERY_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /** Reads, and waits until the reader has caught up (no batch for a moment), at most `maxMs`. */
  async caughtUp(maxMs = 3000): Promise<void> {
    const started = Date.now();
    const wasReading = this.#subscription !== undefined;
    await this.read();
    if (wasReading) return;
    while (Date.now() - started < maxMs && Date.now() - Math.max(this.#lastBatchAt, started) < 250)
      await new Promise((r) => setTimeout(r, 50));
  }

  subscribe(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    void this.read();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) void this.read(); // restarts the minute
    };
  }

  #emit(event: 'events' | 'state' | 'board', data: unknown): void {
    for (const listener of this.#listeners) listener({ event, data });
  }

  /** Keeps the events (ring, by key), learns from them; returns them as the console keeps them. */
  #take(delivered: readonly DeliveredEvent[]): ConsoleEvent[] {
    const now = Date.now();
    this.#lastBatchAt = now;
    const batch: ConsoleEvent[] = [];
    for (const e of delivered) {
      const event = new KeptEvent(++this.#seq, now, e);
      const sameKey = this.#byKey.get(e.key) ?? [];
      if (event.source && !this.described.has(event.source)) this.#unlearned.push(event);
      else this.#learn(event, sameKey);
      sameKey.push(event);
      this.#byKey.set(e.key, sameKey);
      this.events.push(event);
      batch.push(event);
      this.#types.add(event.type);
    }
    if (this.events.length > RING + RING_SLACK) {
      for (const old of this.events.splice(0, this.events.length - RING)) {
        const list = this.#byKey.get(old.key);
        if (!list) continue;
        list.shift();
        if (list.length === 0) this.#byKey.delete(old.key);
      }
    }
    return batch;
  }

  /** Events whose publisher had not described itself yet (what it handles decides what they were). */
  #unlearned: ConsoleEvent[] = [];

  #learn(event: ConsoleEvent, previous: readonly ConsoleEvent[]): void {
    const told = event.source ? this.described.get(event.source)?.reactions !== undefined : false;
    if (learn(this.topology, event, previous, (s) => this.described.get(s)?.handles, told)) {
      this.#boardDirty = true;
      this.#topologyDirty = true;
    }
  }

  #learnLate(): void {
    if (this.#unlearned.length === 0) return;
    const still: ConsoleEvent[] = [];
    for (const event of this.#unlearned) {
      if (event.source && !this.described.has(event.source)) {
        still.push(event);
        continue;
      }
      const previous = (this.#byKey.get(event.key) ?? []).filter((e) => e.seq < event.seq);
      this.#learn(event, previous);
    }
    this.#unlearned = still.slice(-RING);
  }

  eventsOf(key: string): ConsoleEvent[] {
    return [...(this.#byKey.get(key) ?? [])];
  }

  /** Asks every running instance what it is (routes, handled types, positions, backlog). */
  poll(): Promise<void> {
    this.#polling ??= this.#poll().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  async #poll(): Promise<void> {
    const running = this.#options
      .instances()
      .filter(
        (i) => i.id.startsWith(`${this.system.name}/`) && (i.state === 'ready' || i.state === 'unready'),
      );
    const results = await Promise.all(
      running.map(async (i) => {
        try {
          return (await this.fetchJson(`${i.url}/admin/describe`)) as ServiceDescription;
        } catch {
          return undefined;
        }
      }),
    );
    const merged = new Map<string, ServiceDescription>();
    for (const d of results) {
      if (!d?.service) continue;
      const seen = merged.get(d.service);
      const positions = this.positions.get(d.service) ?? new Map<number, number>();
      for (const [p, offset] of Object.entries(d.positions))
        positions.set(Number(p), Math.max(positions.get(Number(p)) ?? -1, offset));
      this.positions.set(d.service, positions);
      merged.set(
        d.service,
        seen
          ? {
              ...seen,
              publishes: [...new Set([...seen.publishes, ...d.publishes])],
              reactions: mergeLists(seen.reactions, d.reactions),
              commands: mergeLists(seen.commands, d.commands),
              calls: seen.calls.map((c) =>
                c.breaker === 'closed' ? (d.calls.find((x) => x.dependency === c.dependency) ?? c) : c,
              ),
              outboxBacklog: Math.max(seen.outboxBacklog, d.outboxBacklog),
            }
          : d,
      );
    }
    for (const [service, d] of merged) {
      if (learnDescribed(this.topology, service, d)) {
        this.#boardDirty = true;
        this.#topologyDirty = true;
      }
      const before = this.described.get(service);
      if (
        !before ||
        before.publishes.length !== d.publishes.length ||
        before.handles.length !== d.handles.length ||
        before.routes.length !== d.routes.length
      )
        this.#boardDirty = true;
      this.described.set(service, d);
    }
    this.#learnLate();
    // A stopped service keeps its last description (its map does not vanish), marked by the state.
    this.#stoppedNow = new Set(this.system.services.map((s) => s.name).filter((name) => !merged.has(name)));
  }

  #stoppedNow = new Set<string>();

  /** The board laid out, rebuilt when what it is drawn from changed. */
  async board(): Promise<LaidOutBoard> {
    if (this.described.size === 0) await this.poll();
    if (!this.#boardDirty && this.#board) return this.#board;
    this.#boardBuilding ??= (async () => {
      this.#boardDirty = false;
      this.#boardBuiltAt = Date.now();
      // Most of what is learned (a publisher the service had named) leaves the board as it was:
      // then the layout (hundreds of ms of CPU on a loaded machine) is not done again.
      const built = buildBoard(this.system, this.described, this.topology);
      const signature = JSON.stringify(built);
      if (this.#board && signature === this.#boardSignature) return this.#board;
      const board = await layoutBoard(built);
      this.#board = board;
      this.#boardSignature = signature;
      return board;
    })().finally(() => {
      this.#boardBuilding = undefined;
    });
    return this.#boardBuilding;
  }

  /** Lag of a group per partition: events of its types in the ring past its last handled offset. */
  lagOf(service: string): { total: number; byPartition: Record<string, number> } | null {
    const handles = this.described.get(service)?.handles;
    const positions = this.positions.get(service);
    if (!handles || handles.length === 0 || !positions) return null;
    const byPartition: Record<string, number> = {};
    let total = 0;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (!handles.includes(e.type)) continue;
      const position = positions.get(e.partition);
      if (position === undefined || e.offset <= position) continue;
      byPartition[e.partition] = (byPartition[e.partition] ?? 0) + 1;
      total++;
    }
    for (const p of positions.keys()) byPartition[p] ??= 0;
    return { total, byPartition };
  }

  state(): SystemState {
    const instances = this.#options.instances().filter((i) => i.id.startsWith(`${this.system.name}/`));
    const now = Date.now();
    const rates: Record<string, number> = {};
    // By the events' own time, so a reader catching up does not look like a burst.
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (now - e.seenAt > RATE_WINDOW_MS) break;
      if (now - e.at <= RATE_WINDOW_MS) rates[e.type] = (rates[e.type] ?? 0) + 1000 / RATE_WINDOW_MS;
    }
    const services: ServiceState[] = this.system.services.map((s) => {
      const mine = instances.filter((i) => i.id === `${this.system.name}/${s.name}`);
      const d = this.described.get(s.name);
      const up = !this.#stoppedNow.has(s.name);
      const lag = this.lagOf(s.name);
      return {
        name: s.name,
        instances: mine.length,
        ready: mine.filter((i) => i.ready).length,
        restarts: mine.reduce((n, i) => n + i.restarts, 0),
        outboxBacklog: d && up ? d.outboxBacklog : null,
        parked: d && up ? d.parked : null,
        lag: lag?.total ?? null,
        lagByPartition: lag?.byPartition ?? {},
        breakers: Object.fromEntries((up ? (d?.calls ?? []) : []).map((c) => [c.dependency, c.breaker])),
      };
    });
    return {
      system: this.system.name,
      at: now,
      services,
      instances,
      rates,
      eventsSeen: this.#seq,
      eventTypes: [...this.#types].sort(),
    };
  }

  #saveTopology(): void {
    this.#topologyDirty = false;
    const file = this.#options.topologyFile;
    if (!file) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, JSON.stringify(this.topology));
      renameSync(`${file}.tmp`, file);
    } catch {
      // the data folder went away (a test cleaned up): the topology is relearned next time
    }
  }
}

/**
 * An event as the console keeps it: what the bus tells without decoding at once; the body (data,
 * its timestamp) read from the delivered event when first asked for — for the few a page is sent
 * (JSON), a filter reads, or a timeline shows. The bus may then decode it only then.
 */
class KeptEvent implements ConsoleEvent {
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly source?: string;
  readonly traceparent?: string;
  readonly partition: number;
  readonly offset: number;
  readonly at: number;
  readonly #delivered: DeliveredEvent;

  constructor(
    readonly seq: number,
    readonly seenAt: number,
    delivered: DeliveredEvent,
  ) {
    this.#delivered = delivered;
    this.id = delivered.id;
    this.topic = delivered.topic;
    this.key = delivered.key;
    this.type = delivered.type;
    this.source = delivered.source;
    this.traceparent = delivered.traceparent;
    this.partition = delivered.partition;
    this.offset = delivered.offset;
    this.at = delivered.appendedAt ?? delivered.timestamp;
  }

  get timestamp(): number {
    return this.#delivered.timestamp;
  }

  get data(): Readonly<Record<string, unknown>> {
    return this.#delivered.data;
  }

  toJSON(): ConsoleEvent {
    const { seq, id, topic, key, type, timestamp, source, traceparent, partition, offset, at, seenAt, data } =
      this;
    return { seq, id, topic, key, type, timestamp, source, traceparent, partition, offset, at, seenAt, data };
  }
}

function mergeLists(
  a: Readonly<Record<string, readonly string[]>> | undefined,
  b: Readonly<Record<string, readonly string[]>> | undefined,
): Record<string, string[]> | undefined {
  if (!a && !b) return undefined;
  const out: Record<string, string[]> = {};
  for (const list of [a ?? {}, b ?? {}])
    for (const [k, v] of Object.entries(list)) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  return out;
}

function readTopology(file: string | undefined): Topology {
  if (!file) return emptyTopology();
  try {
    return { ...emptyTopology(), ...(JSON.parse(readFileSync(file, 'utf8')) as Topology) };
  } catch {
    return emptyTopology();
  }
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}
