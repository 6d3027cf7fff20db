/**
 * What the console knows about a system, shared by its server side (feeds, builders) and its
 * front end (web/): plain data, no behaviour.
 */

/** A system as its map (systems/<system>/system.ts) declares it, minus process entries. */
export interface SystemDeclaration {
  readonly name: string;
  readonly basePort: number;
  readonly services: ReadonlyArray<{
    readonly name: string;
    readonly routes?: ReadonlyArray<{
      readonly prefix: string;
      readonly roles?: Readonly<Record<string, readonly string[]>>;
    }>;
    readonly calls?: readonly string[];
  }>;
}

/** One route of a service with its schemas, as the kernel's /admin/describe lists it. */
export interface DescribedRoute {
  readonly method: string;
  readonly url: string;
  readonly body?: JsonSchema;
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
}

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly examples?: readonly unknown[];
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
  readonly items?: JsonSchema;
}

/** What a running service says about itself (GET /admin/describe on each instance). */
export interface ServiceDescription {
  readonly service: string;
  readonly topic: string;
  readonly group: string | null;
  readonly handles: readonly string[];
  readonly publishes: readonly string[];
  /** Handled type → types its policy recorded (known where the kernel records them). */
  readonly reactions?: Readonly<Record<string, readonly string[]>>;
  /** `METHOD /url` of the route whose command recorded them ('' when not known) → types. */
  readonly commands?: Readonly<Record<string, readonly string[]>>;
  readonly routes: readonly DescribedRoute[];
  readonly calls: ReadonlyArray<{ readonly dependency: string; readonly breaker: BreakerState }>;
  /** Highest offset handled per partition (by this instance, since it started). */
  readonly positions: Readonly<Record<string, number>>;
  readonly outboxBacklog: number;
  readonly parked: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated' | string;

/**
 * Events a second the server sends one page at most (the newest of each push; the rest are counted
 * and the page says so): what a person can follow, and far below what sending every event cost.
 */
export const LIVE_EVENTS_PER_SECOND = 100;

/** One event as the console saw it on the bus. */
export interface ConsoleEvent {
  /** The console's own sequence number (order of arrival). */
  readonly seq: number;
  readonly id: string;
  readonly topic: string;
  readonly key: string;
  readonly type: string;
  readonly timestamp: number;
  readonly source?: string;
  readonly traceparent?: string;
  readonly partition: number;
  readonly offset: number;
  /**
   * When the bus stored it (ms; the event's own timestamp where the engine cannot tell): what
   * rates and learning go by, known without decoding the body.
   */
  readonly at: number;
  /** When the console received it (ms). */
  readonly seenAt: number;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * What the console learned from the events it saw (persisted beside the system's data): who
 * publishes each type, which policy emitted which types, which types commands emitted.
 */
export interface Topology {
  /** type → services that published it. */
  publishers: Record<string, string[]>;
  /** `${group} ${type}` → types the group's policy on `type` recorded. */
  reactions: Record<string, string[]>;
  /** service → types its commands (not its policies) recorded. */
  commandEmits: Record<string, string[]>;
  /** `${service}:${METHOD} ${url}` → types that route recorded (seen when the console acted). */
  routeEmits?: Record<string, string[]>;
}

export const emptyTopology = (): Topology => ({ publishers: {}, reactions: {}, commandEmits: {} });

export type BoardNodeKind = 'service' | 'gateway' | 'command' | 'event' | 'policy' | 'readmodel';

export interface BoardNode {
  readonly id: string;
  readonly kind: BoardNodeKind;
  readonly label: string;
  /** A second line (roles of a command, the group of a policy …). */
  readonly detail?: string;
  /** The service box it sits in (none for the gateway, and for events nobody published yet). */
  readonly parent?: string;
  /** For service boxes: the service's name; for events: the type. */
  readonly ref?: string;
}

export type BoardEdgeKind = 'emits' | 'triggers' | 'updates' | 'calls' | 'routes';

export interface BoardEdge {
  readonly id: string;
  readonly kind: BoardEdgeKind;
  readonly from: string;
  readonly to: string;
  /** The event type flowing along it (its rate lights it up), or the callee for `calls`. */
  readonly ref?: string;
  readonly label?: string;
}

export interface Board {
  readonly system: string;
  readonly nodes: readonly BoardNode[];
  readonly edges: readonly BoardEdge[];
}

/** A board with coordinates (elkjs). Positions are absolute. */
export interface LaidOutBoard extends Board {
  readonly width: number;
  readonly height: number;
  readonly boxes: Readonly<Record<string, { x: number; y: number; width: number; height: number }>>;
  readonly paths: Readonly<Record<string, ReadonlyArray<{ x: number; y: number }>>>;
}

/** Live figures of one service, pushed every second. */
export interface ServiceState {
  readonly name: string;
  readonly instances: number;
  readonly ready: number;
  readonly restarts: number;
  readonly outboxBacklog: number | null;
  readonly parked: number | null;
  /** Events of its types not yet handled, summed over partitions (null: unknown). */
  readonly lag: number | null;
  readonly lagByPartition: Readonly<Record<string, number>>;
  readonly breakers: Readonly<Record<string, BreakerState>>;
}

export interface InstanceInfo {
  readonly id: string;
  readonly replica: number;
  readonly pid: number | null;
  readonly port: number;
  readonly url: string;
  readonly state: string;
  readonly ready: boolean;
  readonly restarts: number;
}

export interface SystemState {
  readonly system: string;
  readonly at: number;
  readonly services: readonly ServiceState[];
  readonly instances: readonly InstanceInfo[];
  /** Events per second over the last 5 s, by type. */
  readonly rates: Readonly<Record<string, number>>;
  readonly eventsSeen: number;
  /** Every type seen since the console started (what the live events can be filtered by). */
  readonly eventTypes: readonly string[];
}

export type TimelineItemKind = 'command' | 'published' | 'handled' | 'parked' | 'waiting';

export interface TimelineItem {
  readonly kind: TimelineItemKind;
  /** The service lane. */
  readonly lane: string;
  readonly at: number;
  readonly type: string;
  readonly eventId: string;
  readonly label: string;
  readonly compensation?: boolean;
  readonly attempts?: number;
  readonly error?: string;
}

export interface Timeline {
  readonly system: string;
  readonly key: string;
  readonly lanes: readonly string[];
  readonly items: readonly TimelineItem[];
  readonly start: number | null;
  readonly end: number | null;
  /** Where it stopped: the last step, or the handlings still waiting. */
  readonly stoppedAt: string | null;
}

export interface DevUser {
  readonly username: string;
  readonly roles: readonly string[];
  readonly systems: readonly string[];
}
