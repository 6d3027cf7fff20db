import { setTimeout as sleep } from 'node:timers/promises';
import {
  type BatchHandler,
  type DeliveredEvent,
  type EventHandler,
  fromWire,
  MALFORMED_EVENT_TYPE,
  MalformedEventError,
  retryUntilHandled,
} from '@bounded/bus';
import {
  ConnectionPool,
  Consumer,
  type ConsumerGroupJoinPayload,
  type ExtendedGroupProtocolSubscription,
  type GenericError,
  type GroupPartitionsAssignments,
  type GroupProtocolSubscription,
  type KafkaRecord,
  kOptions,
  ListOffsetTimestamps,
  offsetCommitV8,
  type RecordsBatch,
} from '@platformatic/kafka';
import { assignCooperative, decodeClaims, encodeClaims } from './assignor.ts';
import { Signal } from './signal.ts';

/** Name of our assignment protocol in JoinGroup: every member of a group must speak it. */
export const ASSIGNOR = 'bounded-cooperative-sticky';
const IS_CONTROL_BATCH = 0b100000;
const MAX_BACKOFF_MS = 5000;

export interface MemberOptions {
  readonly topic: string;
  readonly group: string;
  readonly handler: EventHandler;
  readonly batchHandler?: BatchHandler;
  readonly types?: readonly string[];
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly fetchMaxWaitMs: number;
  readonly commitIntervalMs: number;
  readonly maxBufferedPerPartition: number;
  readonly onHandlerError?: (
    error: unknown,
    event: { topic: string; partition: number; offset: number },
  ) => void;
  readonly onError?: (error: unknown, what: string) => void;
}

interface Queued {
  readonly offset: bigint;
  readonly event?: DeliveredEvent;
}

/** Most events handed to the batch handler at once (one transaction). */
const MAX_RUN = 500;

interface PartitionState {
  readonly partition: number;
  /** Next offset to hand to the handler: everything below it was handled. */
  position: bigint;
  /** Next offset to fetch (≥ position: the queue holds what lies between). */
  fetchPosition: bigint;
  /** What the group has committed for this partition (-1: nothing yet). */
  committed: bigint;
  /** Fetched, not yet handled; a record of a type the group does not handle has no event. */
  readonly queue: Queued[];
  /** Offsets known (committed or earliest): fetching and handling may start. */
  ready: boolean;
  /** Being given up (revoked, lost or closing): no more fetching or handling. */
  stopped: boolean;
  /** Notified when records arrive or the partition stops. */
  readonly wake: Signal;
  /** Aborted when the partition stops: cuts a retry backoff short. */
  readonly halt: AbortController;
  loading?: Promise<void>;
  worker?: Promise<void>;
}

/**
 * One member of a consumer group on Kafka. The client's Consumer runs the classic group
 * protocol (JoinGroup/SyncGroup/Heartbeat) with our cooperative assignor; this class fetches
 * the partitions it is given, hands their events to the handler one at a time per partition
 * (partitions run concurrently), and commits the offsets after the handler resolved.
 *
 * Handing a partition over: the assignor withholds a partition from its new owner while the
 * old owner still claims it; the old owner lets the event in flight finish, commits, drops the
 * claim and rejoins, and only then does the new owner get it (and start from that commit).
 */
export class KafkaGroupMember {
  readonly #o: MemberOptions;
  readonly #consumer: Consumer;
  readonly #fetchPool: ConnectionPool;
  readonly #protocol: GroupProtocolSubscription;
  readonly #joinOptions: Record<string, unknown> = {};
  readonly #partitions = new Map<number, PartitionState>();
  readonly #fetchWake = new Signal();
  readonly #wanted: ReadonlySet<string> | undefined;
  /** The newest assignment the group made us (applied or not yet). */
  #latest: { generation: number; memberId: string; assigned: number[] } = {
    generation: -1,
    memberId: '',
    assigned: [],
  };
  #memberId: string | undefined;
  #stopping = false;
  #fetchLoop: Promise<void> | undefined;
  #commitTimer: NodeJS.Timeout | undefined;
  #commitChain: Promise<void> = Promise.resolve();
  /** Assignment changes are applied one after the other, in the order the group made them. */
  #assignmentChain: Promise<void> = Promise.resolve();
  #rejoinTimer: NodeJS.Timeout | undefined;

  constructor(options: MemberOptions) {
    this.#o = options;
    this.#wanted = options.types ? new Set(options.types) : undefined;
    this.#protocol = { name: ASSIGNOR, version: 0, metadata: this.#claims() };
    this.#consumer = new Consumer({
      clientId: options.clientId,
      bootstrapBrokers: [...options.brokers],
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      // The client reads this object again for every JoinGroup it sends (including the rejoins
      // it makes on its own after a heartbeat saw a rebalance), so our claims stay current.
      protocols: [this.#protocol],
      partitionAssigner: (_current, members, _topics, metadata) => this.#assign(members, metadata),
      // A JoinGroup may wait for the slowest member, up to the rebalance timeout.
      timeout: options.rebalanceTimeoutMs + 5000,
      retries: 10,
      retryDelay: 250,
      maxWaitTime: options.fetchMaxWaitMs,
    });
    this.#fetchPool = new ConnectionPool(options.clientId, {
      connectTimeout: 5000,
      requestTimeout: options.fetchMaxWaitMs + 10_000,
    });
    this.#consumer.on('consumer:group:join', (payload) => {
      const assigned = [...(payload.assignments ?? [])]
        .filter((assignment) => assignment.topic === options.topic)
        .flatMap((assignment) => assignment.partitions);
      // Claim what we were given at once, not when the change is applied: the client may send
      // its next JoinGroup before then, and a partition we do not claim may go to someone else.
      const generation = payload.generationId ?? -1;
      if (generation >= this.#latest.generation) {
        this.#latest = { generation, memberId: payload.memberId, assigned };
        this.#updateClaims();
      }
      this.#assignmentChain = this.#assignmentChain
        .then(() => this.#applyAssignment(payload, assigned))
        .catch((error) => this.#o.onError?.(error, 'applying an assignment'));
    });
    // The client gave up rejoining (e.g. the broker was down through all its retries).
    this.#consumer.on('error', (error) => {
      if (this.#stopping) return;
      this.#o.onError?.(error, 'group membership');
      this.#scheduleRejoin();
    });
  }

  assigned(): number[] {
    return [...this.#partitions.values()]
      .filter((state) => !state.stopped)
      .map((state) => state.partition)
      .sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    this.#consumer.topics.track(this.#o.topic);
    await this.#consumer.joinGroup(this.#joinOptions);
    this.#fetchLoop = this.#runFetchLoop();
    this.#commitTimer = setInterval(() => {
      this.#commit().catch(() => {});
    }, this.#o.commitIntervalMs);
  }

  /** Stops fetching, lets the events in flight finish, commits and leaves the group. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#commitTimer);
    clearTimeout(this.#rejoinTimer);
    this.#fetchWake.notify();
    await Promise.all([...this.#partitions.values()].map((state) => this.#halt(state)));
    // Commit what was handled, riding out a rebalance under way (a few seconds at most): the
    // member that takes the partitions over starts from here, so a clean leave repeats nothing.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#commit();
        break;
      } catch (error) {
        if (attempt >= 8 || this.#consumer.memberId !== this.#memberId) {
          this.#o.onError?.(error, 'committing before leaving the group');
          break;
        }
        await sleep(Math.min(1000, 50 * 2 ** attempt));
      }
    }
    // A long-polling fetch may be out: stop waiting for it after its own wait time.
    const patience = new AbortController();
    await Promise.race([
      this.#fetchLoop,
      sleep(this.#o.fetchMaxWaitMs + 1000, undefined, { signal: patience.signal }).catch(() => {}),
    ]);
    patience.abort();
    await this.#fetchPool.close().catch(() => {});
    try {
      await this.#consumer.close();
    } catch (error) {
      this.#o.onError?.(error, 'leaving the group');
      await closeForcibly(this.#consumer);
    }
    // A rejoin the client started on its own (a heartbeat saw a rebalance) would otherwise go on
    // retrying against the closed connections for a while, keeping the process alive.
    this.#consumer[kOptions].retries = 0;
    await this.#assignmentChain;
  }

  // ---- group membership -------------------------------------------------------------------

  /** What we hold (handling, or still to commit) and what the newest assignment gave us. */
  #claims(): Buffer {
    const owned = new Set(this.#partitions.keys());
    if (this.#latest.memberId === this.#consumer?.memberId)
      for (const p of this.#latest.assigned) owned.add(p);
    return encodeClaims({
      generation: this.#latest.generation,
      owned: new Map([[this.#o.topic, [...owned].sort((a, b) => a - b)]]),
    });
  }

  #updateClaims(): void {
    this.#protocol.metadata = this.#claims();
  }

  /** Runs in the group leader's process for the whole group. */
  #assign(
    members: Map<string, ExtendedGroupProtocolSubscription>,
    metadata: { topics: Map<string, { partitionsCount: number }> },
  ): GroupPartitionsAssignments[] {
    const counts = new Map([...metadata.topics].map(([topic, info]) => [topic, info.partitionsCount]));
    const subscriptions = [...members.values()].map((member) => ({
      memberId: member.memberId,
      topics: member.topics ?? [],
      claims: decodeClaims(
        typeof member.metadata === 'string' ? Buffer.from(member.metadata) : (member.metadata ?? null),
      ),
    }));
    const result = assignCooperative(subscriptions, counts);
    return [...result].map(([memberId, topics]) => ({
      memberId,
      assignments: new Map([...topics].map(([topic, partitions]) => [topic, { topic, partitions }])),
    }));
  }

  async #applyAssignment(payload: ConsumerGroupJoinPayload, assigned: number[]): Promise<void> {
    if (this.#stopping) return;
    // A newer generation exists already: its assignment follows (it is based on our claims,
    // which include everything this one gave us).
    if ((payload.generationId ?? -1) < this.#consumer.generationId) return;
    const lost = this.#memberId !== undefined && payload.memberId !== this.#memberId;
    this.#memberId = payload.memberId;
    const target = new Set(assigned);
    if (lost) {
      // We were evicted (our session lapsed) and joined again as a new member: what we held
      // may be someone else's now. Stop without committing; the owner resumes from its commits.
      await Promise.all([...this.#partitions.values()].map((state) => this.#halt(state)));
      this.#partitions.clear();
    }
    const revoked = [...this.#partitions.values()].filter((state) => !target.has(state.partition));
    const gained = assigned.filter((partition) => !this.#partitions.has(partition));
    for (const partition of gained) {
      this.#partitions.set(partition, {
        partition,
        position: 0n,
        fetchPosition: 0n,
        committed: -1n,
        queue: [],
        ready: false,
        stopped: false,
        wake: new Signal(),
        halt: new AbortController(),
      });
    }
    this.#updateClaims();
    if (gained.length > 0) this.#startPartitions(gained);
    if (revoked.length > 0) {
      await Promise.all(revoked.map((state) => this.#halt(state)));
      if (this.#stopping) return;
      // Commit what was handled, then drop the claims and rejoin so the new owners get them.
      await this.#commitUntilDone(revoked);
      for (const state of revoked) this.#partitions.delete(state.partition);
      this.#updateClaims();
      if (!this.#stopping) await this.#rejoin();
    }
  }

  async #rejoin(): Promise<void> {
    try {
      await this.#consumer.joinGroup(this.#joinOptions);
    } catch (error) {
      if (this.#stopping) return;
      this.#o.onError?.(error, 'rejoining the group');
      this.#scheduleRejoin();
    }
  }

  #scheduleRejoin(): void {
    if (this.#stopping || this.#rejoinTimer) return;
    this.#rejoinTimer = setTimeout(() => {
      this.#rejoinTimer = undefined;
      this.#rejoin().catch(() => {});
    }, 1000);
    this.#rejoinTimer.unref();
  }

  /** Stops a partition: no more fetching; the event in flight finishes; the queue is dropped. */
  async #halt(state: PartitionState): Promise<void> {
    state.stopped = true;
    state.halt.abort();
    state.wake.notify();
    await state.loading;
    await state.worker;
    state.queue.length = 0;
    state.fetchPosition = state.position;
  }

  #startPartitions(partitions: number[]): void {
    const loading = this.#loadPositions(partitions);
    for (const partition of partitions) {
      const state = this.#partitions.get(partition)!;
      state.loading = loading.then(() => {
        state.ready = true;
        if (!state.stopped) state.worker = this.#work(state);
        this.#fetchWake.notify();
      });
    }
  }

  /** Committed offsets of gained partitions; earliest retained offset where the group has none. */
  async #loadPositions(partitions: number[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const committed = await this.#consumer.listCommittedOffsets({
          topics: [{ topic: this.#o.topic, partitions }],
        });
        const offsets = committed.get(this.#o.topic) ?? [];
        const missing = partitions.filter((p) => (offsets[p] ?? -1n) < 0n);
        const earliest = missing.length
          ? ((
              await this.#consumer.listOffsets({
                topics: [this.#o.topic],
                partitions: { [this.#o.topic]: missing },
                timestamp: ListOffsetTimestamps.EARLIEST,
              })
            ).get(this.#o.topic) ?? [])
          : [];
        for (const partition of partitions) {
          const state = this.#partitions.get(partition);
          if (!state) continue;
          const start = (offsets[partition] ?? -1n) >= 0n ? offsets[partition] : (earliest[partition] ?? 0n);
          state.committed = offsets[partition] ?? -1n;
          state.position = start;
          state.fetchPosition = start;
        }
        return;
      } catch (error) {
        if (this.#stopping || partitions.every((p) => this.#partitions.get(p)?.stopped ?? true)) return;
        this.#o.onError?.(error, 'reading committed offsets');
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
      }
    }
  }

  // ---- handling ---------------------------------------------------------------------------

  /**
   * Hands the partition's events to the handler in offset order, one at a time, or a run of
   * them at once to the batch handler when there is one. The position moves past what was
   * handled and past the records of types the group does not handle.
   */
  async #work(state: PartitionState): Promise<void> {
    while (!state.stopped) {
      if (state.queue.length === 0) {
        const seen = state.wake.generation;
        if (state.queue.length === 0 && !state.stopped) await state.wake.wait(seen);
        continue;
      }
      const run = state.queue.slice(0, MAX_RUN);
      const events = run.flatMap((item) => (item.event ? [item.event] : []));
      const batchHandler = this.#o.batchHandler;
      if (events.length > 1 && batchHandler) {
        if (!(await this.#attempt(state, events[0], () => batchHandler(events)))) return;
        state.queue.splice(0, run.length);
        state.position = run[run.length - 1].offset + 1n;
      } else {
        for (const item of run) {
          const event = item.event;
          if (event && !(await this.#attempt(state, event, () => this.#o.handler(event)))) return;
          state.queue.shift();
          state.position = item.offset + 1n;
        }
      }
      if (state.queue.length <= this.#o.maxBufferedPerPartition / 2) this.#fetchWake.notify();
    }
  }

  /** Retries the handling with backoff until it succeeds; false if the partition stopped first. */
  #attempt(state: PartitionState, first: DeliveredEvent, handle: () => Promise<void>): Promise<boolean> {
    const at = { topic: this.#o.topic, partition: state.partition, offset: first.offset };
    return retryUntilHandled(handle, {
      stopped: () => state.stopped,
      onError: (error) => this.#o.onHandlerError?.(error, at),
      pause: (ms) => sleep(ms, undefined, { signal: state.halt.signal }).catch(() => {}),
    });
  }

  // ---- committing -------------------------------------------------------------------------

  /** Commits every partition whose position moved; one commit request at a time. */
  #commit(states?: PartitionState[]): Promise<void> {
    const run = async () => {
      const dirty = (states ?? [...this.#partitions.values()]).filter(
        (state) => state.ready && state.position !== state.committed && state.position > 0n,
      );
      if (dirty.length === 0) return;
      const offsets = dirty.map((state) => ({ state, offset: state.position }));
      await this.#sendCommit(offsets.map(({ state, offset }) => ({ partition: state.partition, offset })));
      for (const { state, offset } of offsets) if (state.committed < offset) state.committed = offset;
    };
    const result = this.#commitChain.then(run);
    this.#commitChain = result.catch((error) => {
      // A commit that meets a rebalance fails (the next one carries the new generation): expected.
      const rebalancing = (error as GenericError).findBy?.('needsRejoin', true);
      if (!this.#stopping && !rebalancing) this.#o.onError?.(error, 'committing offsets');
    });
    return result;
  }

  /**
   * OffsetCommit with the member's current generation, straight to the coordinator. Not
   * Consumer.commit(): on REBALANCE_IN_PROGRESS it rejoins the group itself, and a rejoining
   * leader starts yet another rebalance, in which the retried commit fails again. Here a commit
   * that meets a rebalance just fails, and the next one (with the new generation) goes through.
   */
  async #sendCommit(offsets: { partition: number; offset: bigint }[]): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer.memberId) throw new Error('not a member of the group (yet)');
    const coordinator = consumer.coordinatorId ?? (await consumer.findGroupCoordinator());
    const metadata = await consumer.metadata({ topics: [this.#o.topic] });
    const broker = metadata.brokers.get(coordinator);
    if (!broker) throw new Error(`group coordinator ${coordinator} not in the metadata`);
    const connection = await consumer.connections.get(broker);
    await offsetCommitV8.api.async(
      connection,
      this.#o.group,
      consumer.generationId,
      consumer.memberId,
      null,
      [
        {
          name: this.#o.topic,
          partitions: offsets.map(({ partition, offset }) => ({
            partitionIndex: partition,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            committedMetadata: null,
          })),
        },
      ],
    );
  }

  /** Before a partition is handed over, its commit must land (or we must have lost it anyway). */
  async #commitUntilDone(states: PartitionState[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#commit(states);
        return;
      } catch {
        // Stopping, or evicted from the group (we rejoined as a new member): the partitions
        // are not ours to commit any more; their owner resumes from the last commit.
        if (this.#stopping || this.#consumer.memberId !== this.#memberId) return;
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
      }
    }
  }

  // ---- fetching ---------------------------------------------------------------------------

  async #runFetchLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      const seen = this.#fetchWake.generation;
      const fetchable = [...this.#partitions.values()].filter(
        (state) => state.ready && !state.stopped && state.queue.length < this.#o.maxBufferedPerPartition,
      );
      if (fetchable.length === 0) {
        await this.#fetchWake.wait(seen, 1000);
        continue;
      }
      try {
        await this.#fetch(fetchable);
        failures = 0;
      } catch (error) {
        if (this.#stopping) return;
        this.#o.onError?.(error, 'fetching');
        this.#consumer.clearMetadata();
        await this.#fetchWake.wait(
          this.#fetchWake.generation,
          Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures++),
        );
      }
    }
  }

  async #fetch(states: PartitionState[]): Promise<void> {
    const metadata = await this.#consumer.metadata({ topics: [this.#o.topic] });
    const topic = metadata.topics.get(this.#o.topic);
    if (!topic) throw new Error(`topic ${this.#o.topic} not in the metadata`);
    const byLeader = new Map<number, { state: PartitionState; offset: bigint }[]>();
    for (const state of states) {
      const leader = topic.partitions[state.partition]?.leader ?? -1;
      if (leader < 0) continue;
      if (!byLeader.has(leader)) byLeader.set(leader, []);
      byLeader.get(leader)!.push({ state, offset: state.fetchPosition });
    }
    await Promise.all(
      [...byLeader].map(async ([leader, requested]) => {
        let response: Awaited<ReturnType<Consumer['fetch']>>;
        try {
          response = await this.#consumer.fetch({
            node: leader,
            connectionPool: this.#fetchPool,
            maxWaitTime: this.#o.fetchMaxWaitMs,
            topics: [
              {
                topicId: topic.id,
                partitions: requested.map(({ state, offset }) => ({
                  partition: state.partition,
                  fetchOffset: offset,
                  partitionMaxBytes: 1_048_576,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          });
        } catch (error) {
          // A partition-level error fails the whole request; the other partitions' records
          // are still in the response it carries.
          const partial = (error as { response?: typeof response }).response;
          if (!partial?.responses) throw error;
          response = partial;
        }
        let retry = false;
        for (const topicResponse of response.responses) {
          for (const part of topicResponse.partitions) {
            const entry = requested.find(({ state }) => state.partition === part.partitionIndex);
            if (!entry) continue;
            const { state, offset } = entry;
            // Changed hands or position while the fetch was out: drop what came back.
            if (
              state.stopped ||
              state.fetchPosition !== offset ||
              this.#partitions.get(state.partition) !== state
            )
              continue;
            if (part.errorCode === 1 /* OFFSET_OUT_OF_RANGE */) {
              this.#resetOutOfRange(state, part.logStartOffset, part.highWatermark);
              continue;
            }
            if (part.errorCode !== 0) {
              retry = true;
              continue;
            }
            this.#enqueue(state, offset, part.records ?? []);
          }
        }
        if (retry) {
          this.#consumer.clearMetadata();
          await sleep(200);
        }
      }),
    );
  }

  #enqueue(state: PartitionState, requested: bigint, batches: RecordsBatch[]): void {
    let next = state.fetchPosition;
    for (const batch of batches) {
      const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      if (last + 1n > next) next = last + 1n;
      if (batch.attributes & IS_CONTROL_BATCH) continue;
      for (const record of batch.records) {
        const offset = batch.firstOffset + BigInt(record.offsetDelta);
        if (offset < requested) continue;
        state.queue.push({
          offset,
          event: this.#decode(state.partition, offset, batch.firstTimestamp, record),
        });
      }
    }
    if (next !== state.fetchPosition) {
      state.fetchPosition = next;
      state.wake.notify();
    }
  }

  #resetOutOfRange(state: PartitionState, logStart: bigint, highWatermark: bigint): void {
    if (state.queue.length > 0 || state.position !== state.fetchPosition) return;
    const reset = state.fetchPosition < logStart ? logStart : highWatermark;
    this.#o.onError?.(
      new Error(
        `offset ${state.fetchPosition} of ${this.#o.topic}-${state.partition} is out of range ` +
          `[${logStart}, ${highWatermark}): resuming at ${reset}`,
      ),
      'fetching',
    );
    state.position = reset;
    state.fetchPosition = reset;
  }

  /** The record as an event; undefined for a type the group does not handle (passed over). */
  #decode(
    partition: number,
    offset: bigint,
    firstTimestamp: bigint,
    record: KafkaRecord,
  ): DeliveredEvent | undefined {
    const topic = this.#o.topic;
    const headers: Record<string, string> = {};
    for (const [name, value] of record.headers) {
      if (name) headers[name.toString('utf8')] = value?.toString('utf8') ?? '';
    }
    const wanted = this.#wanted;
    // The type header tells most records apart without parsing their body.
    const typeHeader = unquote(headers.type);
    if (wanted && typeHeader && !wanted.has(typeHeader)) return undefined;
    const key = record.key?.toString('utf8') ?? '';
    const value = record.value?.toString('utf8') ?? '';
    const appendedAt = Number(firstTimestamp + record.timestampDelta);
    const fallbackId = `${topic}-${partition}-${offset}`;
    const at = { partition, offset: Number(offset), appendedAt: appendedAt > 0 ? appendedAt : undefined };
    try {
      const event = fromWire(topic, { key, value, headers }, fallbackId);
      return wanted && !wanted.has(event.type) ? undefined : { ...event, ...at };
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      // Handed on with a type of its own, so the consumer can park it; the bus never skips.
      return {
        id: unquote(headers.id) ?? fallbackId,
        topic,
        key,
        type: MALFORMED_EVENT_TYPE,
        timestamp: at.appendedAt ?? Date.now(),
        data: { raw: value, error: error.message },
        ...at,
      };
    }
  }
}

function unquote(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
}

/** Closes a client even while it is busy; errors on the way out are of no interest. */
export function closeForcibly(client: { close(force?: boolean): Promise<void> }): Promise<void> {
  return client.close(true).catch(() => {});
}
