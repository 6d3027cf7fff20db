/**
 * A saga's timeline for one correlation id (the bus key): every event published, whether a
 * command or a policy recorded it, every handling by each consumer group (its inbox row), every
 * park, and the handlings still waiting — in order, in lanes per service. Pure.
 */
import { commandNamed } from './board.ts';
import type { ConsoleEvent, SystemDeclaration, Timeline, TimelineItem, Topology } from './model.ts';

export interface Handling {
  readonly group: string;
  readonly eventId: string;
  readonly handledAt: number;
  /** Failed attempts before it was handled (when the service still remembers). */
  readonly retries?: number;
}

export interface Parking {
  readonly group: string;
  readonly eventId: string;
  readonly attempts: number;
  readonly error: string;
  readonly parkedAt: string | number;
}

/** Event types that undo or refuse what came before (marked on the timeline). */
const COMPENSATING = /cancel|refund|compensat|reject|revert|rollback|fail|expire|denied|declined/i;

/** The route whose command recorded this type in that service, if the service said. */
function routeOf(topology: Topology, service: string, type: string): string | undefined {
  const found = Object.entries(topology.routeEmits ?? {}).find(
    ([route, types]) => route.startsWith(`${service}:`) && types.includes(type),
  );
  return found?.[0].slice(service.length + 1);
}

function namedRoute(commands: readonly string[] | undefined, type: string): string | undefined {
  if (!commands?.length) return undefined;
  const found = commandNamed(
    commands.map((c) => `cmd:_:${c}`),
    type,
  );
  return found?.slice('cmd:_:'.length);
}

export const isCompensation = (type: string): boolean => COMPENSATING.test(type);

export function buildTimeline(input: {
  system: SystemDeclaration;
  key: string;
  events: readonly ConsoleEvent[];
  handled: readonly Handling[];
  parked: readonly Parking[];
  /** Types each consumer group handles. */
  handles: ReadonlyMap<string, readonly string[]>;
  topology: Topology;
  /** Each service's commands (`METHOD /url`), to name the one that recorded an event by its name. */
  commands?: Readonly<Record<string, readonly string[]>>;
}): Timeline {
  const { system, key, topology } = input;
  const events = input.events.filter((e) => e.key === key);
  const byId = new Map(events.map((e) => [e.id, e]));
  const items: TimelineItem[] = [];
  const lanes = system.services.map((s) => s.name);
  const extra = new Set<string>();
  const lane = (name: string) => {
    if (!lanes.includes(name)) extra.add(name);
    return name;
  };

  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
  for (const [index, event] of sorted.entries()) {
    const source = event.source ?? 'unknown';
    // A policy's reaction when the source's group handled an earlier event of this key that the
    // topology links to this type; otherwise a command (a request or a sync call) recorded it.
    const reaction = sorted
      .slice(0, index)
      .reverse()
      .find((before) => topology.reactions[`${source} ${before.type}`]?.includes(event.type));
    if (!reaction)
      items.push({
        kind: 'command',
        lane: lane(source),
        at: event.timestamp,
        type: event.type,
        eventId: event.id,
        label: `${routeOf(topology, source, event.type) ?? namedRoute(input.commands?.[source], event.type) ?? 'a command'} recorded ${event.type}`,
      });
    items.push({
      kind: 'published',
      lane: lane(source),
      at: event.timestamp,
      type: event.type,
      eventId: event.id,
      label: reaction ? `${event.type} (policy on ${reaction.type})` : event.type,
      compensation: isCompensation(event.type) || undefined,
    });
  }
  const done = new Set<string>();
  for (const h of input.handled) {
    const event = byId.get(h.eventId);
    if (!event) continue;
    done.add(`${h.group} ${h.eventId}`);
    items.push({
      kind: 'handled',
      lane: lane(h.group),
      at: h.handledAt,
      type: event.type,
      eventId: event.id,
      label: `${h.group} handled ${event.type}${h.retries ? ` after ${h.retries} failed attempts` : ''}`,
      ...(h.retries ? { attempts: h.retries + 1 } : {}),
    });
  }
  for (const p of input.parked) {
    const event = byId.get(p.eventId);
    if (!event) continue;
    done.add(`${p.group} ${p.eventId}`);
    items.push({
      kind: 'parked',
      lane: lane(p.group),
      at: typeof p.parkedAt === 'number' ? p.parkedAt : Date.parse(p.parkedAt),
      type: event.type,
      eventId: event.id,
      label: `${p.group} parked ${event.type} after ${p.attempts} attempts`,
      attempts: p.attempts,
      error: p.error,
    });
  }
  const waiting: TimelineItem[] = [];
  for (const event of sorted) {
    for (const [group, types] of input.handles) {
      if (!types.includes(event.type) || done.has(`${group} ${event.id}`)) continue;
      waiting.push({
        kind: 'waiting',
        lane: lane(group),
        at: event.timestamp,
        type: event.type,
        eventId: event.id,
        label: `${group} has not handled ${event.type} yet`,
      });
    }
  }
  items.push(...waiting);
  const order: Record<string, number> = { command: 0, published: 1, handled: 2, parked: 3, waiting: 4 };
  items.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
  const times = items.filter((i) => i.kind !== 'waiting').map((i) => i.at);
  const last = [...items].reverse().find((i) => i.kind !== 'waiting');
  const stoppedAt =
    waiting.length > 0
      ? waiting.map((w) => `${w.lane} waits on ${w.type}`).join('; ')
      : last
        ? `${last.label}`
        : null;
  return {
    system: system.name,
    key,
    lanes: [...lanes, ...extra],
    items,
    start: times.length ? Math.min(...times) : null,
    end: times.length ? Math.max(...times) : null,
    stoppedAt,
  };
}
