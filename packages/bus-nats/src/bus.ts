import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type DeliveredEvent,
  type EventBus,
  type EventMessage,
  fromWire,
  MALFORMED_EVENT_TYPE,
  MalformedEventError,
  Members,
  partitionFor,
  type SubscribeOptions,
  type Subscription,
  toWire,
} from '@bounded/bus';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, errors, type NatsConnection, nanos, headers as natsHeaders } from '@nats-io/transport-node';
import { GroupMember, type Liveness } from './member.ts';
import { aliveSubject, GROUPS_BUCKET, streamName, subjectOf, subjectsOf } from './names.ts';

export interface NatsBusOptions {
  /** `nats://host:port`, several comma-separated, or a list. */
  readonly servers: string | readonly string[];
  /** Partitions of a topic: subjects `<topic>.0` … `<topic>.<n-1>` (default 8; the same in every process). */
  readonly partitions?: number;
  /**
   * A member that has not renewed its keys for this long loses its partitions to the others
   * (default 15000 ms). Leases compare the server's write time with the local clock: keep the
   * machines' clocks synchronised well within this.
   */
  readonly leaseMs?: number;
  /** How often a member renews its keys and checks the assignment (default leaseMs / 3). */
  readonly heartbeatMs?: number;
  /**
   * The server redelivers an unacked event after this: a killed member's event in flight, once
   * its partition has a new owner (default leaseMs, at most 5000 ms; a slow handler keeps its
   * event by telling the server it is still working, every third of this).
   */
  readonly ackWaitMs?: number;
  /** How long one pull waits on an idle partition before it is renewed (default 30000 ms, min 1000). */
  readonly fetchExpiresMs?: number;
  /** publish() retries transient failures (server restarting, timeouts) this long in all (default 30000 ms). */
  readonly publishTimeoutMs?: number;
  /** Events older than this are dropped by the stream (default 7 days; applies when a stream is created). */
  readonly retentionMs?: number;
  /** A re-published event id within this window is stored once (Nats-Msg-Id; default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** The connection's name, shown by the server's monitoring. */
  readonly name?: string;
  /** Told when a handler throws; the bus retries the same event with backoff. */
  readonly onHandlerError?: (
    error: unknown,
    event: { topic: string; partition: number; offset: number },
  ) => void;
}

/** Header carrying the partitioning key (the other headers are the MSAEz ones from toWire). */
export const KEY_HEADER = 'key';
const GROUPS_BUCKET_TTL_MS = 24 * 3600 * 1000;
const PUBLISH_ATTEMPT_TIMEOUT_MS = 5000;
const MAX_DEFAULT_ACK_WAIT_MS = 5000;
/** A probe of a live member is answered in one round trip; a slow answer counts as alive. */
const PROBE_TIMEOUT_MS = 1000;

/**
 * The EventBus on NATS JetStream. A topic is one stream capturing `<topic>.*`; an event goes to
 * `<topic>.<partitionFor(key)>` with the MSAEz headers, `key`, and `Nats-Msg-Id` = event id, so
 * a re-published event is stored once. A consumer group is one durable pull consumer per
 * partition, the partitions shared among the group's members by leases in a KV bucket (see
 * member.ts). Resolves once connected; fails at once if no server answers.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<EventBus> {
  const partitions = options.partitions ?? 8;
  const leaseMs = options.leaseMs ?? 15_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(100, Math.floor(leaseMs / 3));
  // A killed member's partition is taken over at once (see member.ts): its event in flight
  // should not then wait a whole lease to come again.
  const ackWaitMs = options.ackWaitMs ?? Math.min(leaseMs, MAX_DEFAULT_ACK_WAIT_MS);
  const fetchExpiresMs = Math.max(1000, options.fetchExpiresMs ?? 30_000);
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600 * 1000;
  const duplicateWindowMs = Math.min(options.duplicateWindowMs ?? 120_000, retentionMs);
  const servers =
    typeof options.servers === 'string'
      ? options.servers.split(',').map((server) => server.trim())
      : [...options.servers];

  const nc = await connect({
    servers,
    name: options.name ?? `bounded-${hostname()}-${process.pid}`,
    // Never give up on the server: a restart or a network blip only delays.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
  });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const liveness = livenessOf(nc);
  let kv: Promise<KV> | undefined;
  const groupsBucket = () => {
    kv ??= new Kvm(js).create(GROUPS_BUCKET, {
      history: 1,
      // Bounds the bucket: delete markers of members long gone. Live keys are renewed every beat.
      ttl: GROUPS_BUCKET_TTL_MS,
      storage: StorageType.File,
      description: 'bounded: consumer group members and partition leases',
    });
    kv.catch(() => {
      kv = undefined;
    });
    return kv;
  };

  const streams = new Map<string, Promise<void>>();
  const ensureStream = (topic: string): Promise<void> => {
    let ready = streams.get(topic);
    if (!ready) {
      ready = createStream(jsm, topic, { partitions, retentionMs, duplicateWindowMs });
      streams.set(topic, ready);
      ready.catch(() => streams.delete(topic));
    }
    return ready;
  };

  const decode =
    (topic: string) =>
    (msg: JsMsg, partition: number): DeliveredEvent => {
      const header = (name: string) => msg.headers?.get(name) || undefined;
      const key = header(KEY_HEADER) ?? '';
      const fallbackId = `${topic}-${partition}-${msg.seq}`;
      const appendedAt = Number(msg.timestampNanos / 1_000_000n);
      const value = new TextDecoder().decode(msg.data);
      const headers = {
        type: header('type'),
        id: header('id'),
        source: header('source'),
        traceparent: header('traceparent'),
      };
      try {
        return {
          ...fromWire(topic, { key, value, headers }, fallbackId),
          partition,
          offset: msg.seq,
          appendedAt,
        };
      } catch (error) {
        if (!(error instanceof MalformedEventError)) throw error;
        return {
          id: headers.id ?? fallbackId,
          topic,
          key,
          type: MALFORMED_EVENT_TYPE,
          timestamp: appendedAt,
          data: { raw: value, error: error.message },
          partition,
          offset: msg.seq,
          appendedAt,
        };
      }
    };

  async function publishOne(message: EventMessage, deadline: number): Promise<void> {
    const wire = toWire(message);
    const headers = natsHeaders();
    for (const [name, value] of Object.entries(wire.headers)) headers.set(name, value);
    headers.set(KEY_HEADER, wire.key);
    const subject = subjectOf(message.topic, partitionFor(message.key, partitions));
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      try {
        // The same Nats-Msg-Id on every attempt: a retry after a lost ack is stored once.
        await js.publish(subject, wire.value, {
          msgID: message.id,
          headers,
          timeout: Math.max(500, Math.min(PUBLISH_ATTEMPT_TIMEOUT_MS, left)),
        });
        return;
      } catch (error) {
        const backoff = Math.min(1000, 50 * 2 ** attempt);
        if (!isTransient(error) || Date.now() + backoff >= deadline) throw error;
        await sleep(backoff);
        // No answer: the server may be recovering, or the stream gone; make sure it is there.
        streams.delete(message.topic);
        await ensureStream(message.topic).catch(() => undefined);
      }
    }
  }

  const members = new Members();
  let closed = false;

  return {
    engine: 'nats',
    async publish(messages: readonly EventMessage[]) {
      if (closed) throw new Error('the event bus is closed');
      if (messages.length === 0) return;
      await Promise.all([...new Set(messages.map((m) => m.topic))].map(ensureStream));
      const deadline = Date.now() + publishTimeoutMs;
      // One key's events go one after another (a failed one is retried before the next is
      // sent, so a retry cannot overtake); different keys are in flight together.
      const chains = new Map<string, EventMessage[]>();
      for (const message of messages) {
        const chain = `${message.topic}\u0000${message.key}`;
        const list = chains.get(chain);
        if (list) list.push(message);
        else chains.set(chain, [message]);
      }
      await Promise.all(
        [...chains.values()].map(async (chain) => {
          for (const message of chain) await publishOne(message, deadline);
        }),
      );
    },
    async subscribe(subscribe: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('the event bus is closed');
      await ensureStream(subscribe.topic);
      const member = new GroupMember({
        ...subscribe,
        js,
        jsm,
        kv: await groupsBucket(),
        stream: streamName(subscribe.topic),
        memberId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
        partitions,
        leaseMs,
        heartbeatMs,
        ackWaitMs,
        fetchExpiresMs,
        decode: decode(subscribe.topic),
        liveness,
        onHandlerError: options.onHandlerError,
      });
      await member.start().catch(async (error) => {
        await member.stop().catch(() => undefined);
        throw error;
      });
      return members.add(member);
    },
    async close() {
      if (closed) return;
      closed = true;
      await members.stopAll();
      // drain: what is buffered (the last acks) reaches the server before the socket closes.
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** Members answer probes on their alive subject; reconnects are told to every listener. */
function livenessOf(nc: NatsConnection): Liveness {
  const listeners = new Set<() => void>();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'reconnect') for (const listener of [...listeners]) listener();
    }
  })();
  return {
    answer(memberId) {
      const subscription = nc.subscribe(aliveSubject(memberId), {
        callback: (_error, msg) => {
          msg.respond();
        },
      });
      return () => subscription.unsubscribe();
    },
    async isGone(memberId) {
      try {
        await nc.request(aliveSubject(memberId), undefined, { timeout: PROBE_TIMEOUT_MS });
        return false;
      } catch (error) {
        return (
          error instanceof errors.NoRespondersError ||
          (error instanceof errors.RequestError && error.isNoResponders())
        );
      }
    },
    onReconnect(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Creates the topic's stream if missing; refuses one made with another partition count. */
async function createStream(
  jsm: JetStreamManager,
  topic: string,
  config: { partitions: number; retentionMs: number; duplicateWindowMs: number },
): Promise<void> {
  const name = streamName(topic);
  const description = `bounded: topic ${topic}, ${config.partitions} partitions`;
  try {
    const info = await jsm.streams.info(name);
    const made = /, (\d+) partitions$/.exec(info.config.description ?? '');
    if (made && Number(made[1]) !== config.partitions)
      throw new Error(
        `NATS stream ${name} has ${made[1]} partitions, this bus is configured with ${config.partitions}`,
      );
    return;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
  }
  try {
    await jsm.streams.add({
      name,
      description,
      subjects: [subjectsOf(topic)],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(config.retentionMs),
      duplicate_window: nanos(config.duplicateWindowMs),
      num_replicas: 1,
    });
  } catch (error) {
    // Another process created it meanwhile (with another config, add fails: then info says why).
    await jsm.streams.info(name).catch(() => Promise.reject(error));
  }
}

/** Worth retrying with the same message id: the server is away, slow or still recovering. */
function isTransient(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return false; // the server answered: a real refusal
  if (error instanceof errors.ClosedConnectionError) return false;
  return true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const URL_NUMBERS = [
  'partitions',
  'leaseMs',
  'heartbeatMs',
  'ackWaitMs',
  'fetchExpiresMs',
  'publishTimeoutMs',
  'retentionMs',
  'duplicateWindowMs',
] as const;

/**
 * `nats://host:port[,host:port…][?partitions=8&leaseMs=15000&ackWaitMs=…]` → options.
 * Numbers only for the listed options; anything else is an error naming it.
 */
export function parseNatsUrl(url: string): NatsBusOptions {
  if (!url.startsWith('nats://')) throw new Error(`BUS_URL ${url}: expected nats://host:port`);
  const [base, query = ''] = url.split('?', 2);
  const servers = base
    .split(',')
    .map((server) => server.trim().replace(/^nats:\/\//, ''))
    .filter((server) => server !== '')
    .map((server) => `nats://${server}`);
  if (servers.length === 0) throw new Error(`BUS_URL ${url}: no server`);
  const options: Record<string, unknown> = { servers };
  for (const [name, value] of new URLSearchParams(query)) {
    if (!(URL_NUMBERS as readonly string[]).includes(name))
      throw new Error(`BUS_URL ${url}: unknown option ${name} (known: ${URL_NUMBERS.join(', ')})`);
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0)
      throw new Error(`BUS_URL ${url}: ${name} must be a positive integer`);
    options[name] = number;
  }
  return options as unknown as NatsBusOptions;
}
