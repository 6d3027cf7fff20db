import { hostname } from 'node:os';
import {
  type EventBus,
  type EventMessage,
  Members,
  type SubscribeOptions,
  type Subscription,
  toWire,
} from '@bounded/bus';
import {
  Admin,
  GenericError,
  type MessageToProduce,
  ProduceAcks,
  Producer,
  serializersFrom,
  stringSerializer,
} from '@platformatic/kafka';
import { closeForcibly, KafkaGroupMember } from './member.ts';
import { murmur2 } from './partitioner.ts';

export interface KafkaBusOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** Client id the broker logs and quotas see (default `bounded-<host>-<pid>`). */
  readonly clientId?: string;
  /** Partitions of a topic this bus creates (default 8). */
  readonly partitions?: number;
  /** Replication factor of a topic this bus creates (default -1: the broker's default.replication.factor). */
  readonly replicationFactor?: number;
  /** A member silent this long leaves the group and its partitions move (default 10000 ms). */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat period; also how soon a member notices a rebalance (default 500 ms). */
  readonly heartbeatIntervalMs?: number;
  /** How long a rebalance waits for every member to rejoin (default = the session timeout). */
  readonly rebalanceTimeoutMs?: number;
  /** Long-poll wait of a fetch with nothing new (default 500 ms). */
  readonly fetchMaxWaitMs?: number;
  /** Handled offsets are committed this often, and always before a partition is given up (default 100 ms). */
  readonly commitIntervalMs?: number;
  /** Fetched but not yet handled events per partition (default 500). */
  readonly maxBufferedPerPartition?: number;
  /** Told when a handler throws; the bus retries the same event with backoff. */
  readonly onHandlerError?: (
    error: unknown,
    event: { topic: string; partition: number; offset: number },
  ) => void;
  /** Told about client-side errors the bus recovers from (fetch, commit, rejoin). */
  readonly onError?: (error: unknown, what: string) => void;
}

/**
 * The EventBus on Kafka: topic = system, key = correlation id, partition as Java's default
 * partitioner picks it (murmur2), value = the MSAEz JSON body, headers `type`/`id`/`source`/
 * `traceparent`. An idempotent producer with acks=all: publish() resolves once every message
 * is on all in-sync replicas. Consumer groups as in member.ts.
 */
export async function createKafkaBus(options: KafkaBusOptions): Promise<EventBus> {
  if (options.brokers.length === 0) throw new Error('createKafkaBus: no brokers');
  const clientId = options.clientId ?? `bounded-${hostname()}-${process.pid}`;
  const brokers = [...options.brokers];
  const partitions = options.partitions ?? 8;
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
  const admin = new Admin({
    clientId: `${clientId}-admin`,
    bootstrapBrokers: brokers,
    retries: 3,
    retryDelay: 250,
  });
  try {
    await admin.metadata({ topics: [] });
  } catch (error) {
    await admin.close().catch(() => {});
    throw new Error(`Kafka at ${brokers.join(',')} is not reachable: ${(error as Error).message}`, {
      cause: error,
    });
  }

  const topics = new Map<string, Promise<void>>();
  const ensureTopic = (topic: string): Promise<void> => {
    let ready = topics.get(topic);
    if (!ready) {
      ready = createTopic(admin, topic, partitions, options.replicationFactor ?? -1);
      topics.set(topic, ready);
      ready.catch(() => topics.delete(topic));
    }
    return ready;
  };

  let producer: Producer<string, string, string, string> | undefined;
  const producerOf = () => {
    producer ??= new Producer({
      clientId,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: ProduceAcks.ALL,
      retries: 5,
      retryDelay: 250,
      serializers: serializersFrom(stringSerializer),
      // Java's default partitioner: toPositive(murmur2(key)); the client takes it modulo the partition count.
      partitioner: (_message, key) => (key ? murmur2(key) & 0x7fffffff : 0),
    });
    return producer;
  };
  // One send at a time: the idempotent producer numbers each partition's batches in sequence.
  let sending: Promise<unknown> = Promise.resolve();
  const members = new Members();
  let closed = false;

  const send = async (messages: readonly EventMessage[]) => {
    await Promise.all([...new Set(messages.map((message) => message.topic))].map(ensureTopic));
    const records: MessageToProduce<string, string, string, string>[] = messages.map((message) => {
      const wire = toWire(message);
      return { topic: message.topic, key: wire.key, value: wire.value, headers: springHeaders(wire.headers) };
    });
    const current = producerOf();
    try {
      await current.send({ messages: records });
    } catch (error) {
      // The outcome is unknown: a fresh producer id keeps the next batch from being taken
      // for a retry of this one (the caller re-publishes; consumers dedupe by event id).
      if (producer === current) producer = undefined;
      await closeForcibly(current);
      throw error;
    }
  };

  return {
    engine: 'kafka',
    async publish(messages: readonly EventMessage[]) {
      if (closed) throw new Error('the event bus is closed');
      if (messages.length === 0) return;
      const result = sending.then(() => send(messages));
      sending = result.catch(() => {});
      await result;
    },
    async subscribe(subscribe: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('the event bus is closed');
      await ensureTopic(subscribe.topic);
      const member = new KafkaGroupMember({
        ...subscribe,
        clientId,
        brokers,
        sessionTimeoutMs,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(500, Math.floor(sessionTimeoutMs / 3)),
        rebalanceTimeoutMs: Math.max(options.rebalanceTimeoutMs ?? sessionTimeoutMs, sessionTimeoutMs),
        fetchMaxWaitMs: options.fetchMaxWaitMs ?? 500,
        commitIntervalMs: options.commitIntervalMs ?? 100,
        maxBufferedPerPartition: options.maxBufferedPerPartition ?? 500,
        onHandlerError: options.onHandlerError,
        onError: options.onError,
      });
      await member.start();
      return members.add(member);
    },
    async close() {
      if (closed) return;
      closed = true;
      await members.stopAll();
      await sending;
      if (producer) await closeForcibly(producer);
      await admin.close().catch(() => {});
    },
  };
}

async function createTopic(admin: Admin, topic: string, partitions: number, replicas: number): Promise<void> {
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas });
  } catch (error) {
    const exists =
      error instanceof Error &&
      GenericError.isGenericError(error) &&
      (error as GenericError).findBy('apiId', 'TOPIC_ALREADY_EXISTS');
    if (!exists) throw error;
  }
  // A new topic's partitions get leaders shortly after CreateTopics answers.
  for (let attempt = 0; attempt < 50; attempt++) {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true }).catch(() => undefined);
    const info = metadata?.topics.get(topic);
    if (
      info &&
      info.partitions.length === info.partitionsCount &&
      info.partitions.every((p) => p.leader >= 0)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topic ${topic}: partitions have no leader yet`);
}

/**
 * Headers as a Spring Cloud Stream producer writes them (spring-kafka's DefaultKafkaHeaderMapper):
 * String values JSON-encoded (`"Ordered"`), listed in `spring_json_header_types`, plus
 * `contentType`. A generated Java consumer then sees `headers['type']` as the String `Ordered`,
 * so `@StreamListener(condition = "headers['type']=='Ordered'")` matches; fromWire() unquotes.
 * `traceparent` stays raw: tracers (OpenTelemetry, Micrometer) read the header's bytes as they
 * are, and Spring maps an unlisted header to byte[], which is harmless.
 */
export function springHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  const types: Record<string, string> = {};
  for (const [name, value] of Object.entries({ contentType: 'application/json', ...headers })) {
    if (name === 'traceparent') {
      out[name] = value;
      continue;
    }
    out[name] = isJsonString(value) ? value : JSON.stringify(value);
    types[name] = 'java.lang.String';
  }
  out.spring_json_header_types = JSON.stringify(types);
  return out;
}

function isJsonString(value: string): boolean {
  if (value.length < 2 || !value.startsWith('"') || !value.endsWith('"')) return false;
  try {
    return typeof JSON.parse(value) === 'string';
  } catch {
    return false;
  }
}
