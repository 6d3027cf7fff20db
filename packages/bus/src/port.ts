/**
 * The EventBus port: what every engine (embedded log, Kafka, NATS JetStream) promises.
 *
 * Guarantees an adapter must keep (the contract suite in ./contract.ts checks them):
 * - publish() resolves only once every message is durable in the log: a process killed
 *   after it resolves loses nothing.
 * - Messages with the same (topic, key) are delivered in the order they were published
 *   (one publisher awaiting each publish). Different keys may interleave.
 * - Delivery is at-least-once. A group's position advances only after its handler resolved,
 *   so a crash re-delivers what was in flight; consumers dedupe by event id (see inbox).
 * - Within one consumer group, each partition is handled by one member at a time, so with
 *   stable membership no event is handled twice; members joining or leaving rebalance.
 * - A group that was down resumes from its committed position and receives what it missed.
 * - A handler that throws is retried (with backoff) on the same event: the bus never skips.
 *   Parking poison events is the consumer middleware's job, not the engine's.
 */

/** One domain event as it travels: the MSAEz envelope, decoded. */
export interface EventMessage {
  /** Unique event id (header `id`), the dedupe key for consumers. */
  readonly id: string;
  /** Topic = system name, e.g. `flowerdelivery`. */
  readonly topic: string;
  /** Partitioning key = correlation id (order id …): one key's events keep their order. */
  readonly key: string;
  /** Event type, e.g. `Ordered` (header `type`, body `eventType`). */
  readonly type: string;
  /** When the event happened, ms since the epoch (body `timestamp`). */
  readonly timestamp: number;
  /** The event's business fields (the body minus `eventType`/`timestamp`). */
  readonly data: Readonly<Record<string, unknown>>;
  /** The service that published it (header `source`). */
  readonly source?: string;
  /** W3C trace context of the command that caused it (header `traceparent`). */
  readonly traceparent?: string;
}

/** An event as a consumer receives it: where it sits in the log. */
export interface DeliveredEvent extends EventMessage {
  readonly partition: number;
  readonly offset: number;
  /** When the log stored it (ms), to measure commit→handle lag; absent if the engine cannot tell. */
  readonly appendedAt?: number;
}

export type EventHandler = (event: DeliveredEvent) => Promise<void>;

/**
 * A run of events, each partition's in offset order (so one key's events keep their order; an
 * engine may mix partitions in one run): all handled once it resolves.
 */
export type BatchHandler = (events: readonly DeliveredEvent[]) => Promise<void>;

export interface SubscribeOptions {
  readonly topic: string;
  /** Consumer group = service name: members of one group share the partitions. */
  readonly group: string;
  readonly handler: EventHandler;
  /**
   * Optional: an engine that fetches in batches may hand a run of events to this instead of
   * calling `handler` for each (one transaction for many events). If it throws, the engine
   * retries the same run, as it would a single event.
   */
  readonly batchHandler?: BatchHandler;
  /**
   * Optional: the event types the group handles. An engine may pass over other types without
   * decoding or delivering them (the group's position still moves past them).
   */
  readonly types?: readonly string[];
  /**
   * Optional: the subscriber reads the body (`data`, `timestamp`) of only a few of the events it
   * receives — the console, which counts every event and shows some. An engine may then decode a
   * body only when one of them is first read; a body that cannot be decoded reads as
   * `{ raw, error }` at `appendedAt` instead of arriving as a malformed event.
   */
  readonly lazyBodies?: boolean;
}

export interface Subscription {
  /** Partitions this member owns right now (changes on rebalance). */
  assigned(): readonly number[];
  /** Stops fetching, lets the event in flight finish, commits, leaves the group. */
  close(): Promise<void>;
}

export interface EventBus {
  readonly engine: string;
  publish(messages: readonly EventMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Closes every subscription (as Subscription.close) and the engine's connections. */
  close(): Promise<void>;
}
