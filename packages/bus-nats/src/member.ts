import { type DeliveredEvent, type EventHandler, retryUntilHandled } from '@bounded/bus';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  ReplayPolicy,
} from '@nats-io/jetstream';
import type { KV, KvEntry, KvWatchEntry } from '@nats-io/kv';
import { nanos, type QueuedIterator } from '@nats-io/transport-node';
import { durableName, groupPrefix, leaseKey, memberKey, subjectOf } from './names.ts';

/**
 * Whether a member's process is still connected: `answer` makes this member answer the probes
 * (the returned function stops it); `isGone` is true only when the server says nobody answers
 * for that member (its connection closed: killed, or crashed), never on a timeout or an error.
 */
export interface Liveness {
  answer(memberId: string): () => void;
  isGone(memberId: string): Promise<boolean>;
  /** Called with a listener for every reconnect to the server (the pulls of the old connection are gone). */
  onReconnect(listener: () => void): () => void;
}

export interface MemberOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly kv: KV;
  readonly stream: string;
  readonly topic: string;
  readonly group: string;
  readonly handler: EventHandler;
  readonly memberId: string;
  readonly partitions: number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly ackWaitMs: number;
  readonly fetchExpiresMs: number;
  readonly decode: (msg: JsMsg, partition: number) => DeliveredEvent;
  readonly liveness: Liveness;
  readonly onHandlerError?: (
    error: unknown,
    event: { topic: string; partition: number; offset: number },
  ) => void;
}

/** The value of a member key and of a partition lease: who, and how long it lives unrenewed. */
interface LeaseValue {
  readonly member: string;
  readonly leaseMs: number;
}

interface Lease {
  readonly partition: number;
  readonly key: string;
  revision: number;
  readonly worker: PartitionWorker;
  /** Being handed back (rebalance, close) or lost (someone else renewed it): not assigned any more. */
  releasing: boolean;
  /** Someone else holds the key now: not renewed, not deleted. */
  lost: boolean;
}

const MAX_BACKOFF_MS = 5000;
/**
 * Right after our own reconnect, the others may not have reconnected yet: a "no responders"
 * then says nothing about them (a few reconnect waits of the client, with jitter).
 */
const PROBE_GRACE_MS = 2000;
/** How long a member that answered a probe counts as alive without another probe. */
const ALIVE_CACHE_MS = 1000;

/**
 * One member of a consumer group on one topic.
 *
 * Membership and ownership live in a JetStream KV bucket, every change a compare-and-set on the
 * key's revision: `m.<member>` is the member's heartbeat, `p.<partition>` the lease of the member
 * that consumes the partition. A key is alive while its last write (server time) is younger than
 * the lease it carries. Every member watches the group's keys and computes the same assignment
 * (live members sorted by id, partition p → member p mod n); it takes the free or expired leases
 * of its partitions and hands back, between two events, the ones assigned elsewhere. A clean
 * leave deletes its keys at once; a dead member's keys expire after `leaseMs` — or count as
 * expired at once when the server says the member's connection is gone (a probe on its
 * `aliveSubject` finds no responders: a `kill -9`ed process). Without that, a killed instance's
 * partitions stood still for a whole lease (15 s) after every kill, and a system killed every few
 * seconds was behind most of the time. A live member wrongly taken for gone (its connection was
 * dropping) only loses its leases: its next renewal fails the compare-and-set and it stops.
 *
 * Each held partition has its own durable pull consumer (`<group>-p<n>`, max_ack_pending 1):
 * one event at a time, acked after the handler resolved, so a partition's events — and with
 * them each key's — are handled in order, and an event in flight at a crash is redelivered
 * (after ack_wait) before anything behind it.
 */
export class GroupMember {
  readonly #o: MemberOptions;
  readonly #prefix: string;
  readonly #memberKey: string;
  #view = new Map<string, KvEntry>();
  /** The watcher has delivered the group's keys as they were when it started. */
  #loaded = false;
  readonly #leases = new Map<number, Lease>();
  readonly #handovers = new Set<Promise<void>>();
  #memberRevision = 0;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #watch: QueuedIterator<KvWatchEntry> | undefined;
  #watching: Promise<void> | undefined;
  #reconciling = false;
  #again = false;
  #beating = false;
  #kvQueue: Promise<unknown> = Promise.resolve();
  #stopAnswering: (() => void) | undefined;
  #stopListening: (() => void) | undefined;
  /** When our connection last came back (0: never lost). */
  #reconnectedAt = 0;
  /** Members that answered a probe, and when. */
  readonly #alive = new Map<string, number>();

  constructor(options: MemberOptions) {
    this.#o = options;
    this.#prefix = groupPrefix(options.topic, options.group);
    this.#memberKey = memberKey(this.#prefix, options.memberId);
  }

  /** Partitions this member holds and consumes (not those it is handing back). */
  assigned(): number[] {
    return [...this.#leases.values()]
      .filter((lease) => !lease.releasing)
      .map((lease) => lease.partition)
      .sort((a, b) => a - b);
  }

  async start(): Promise<void> {
    // Answering before the member key exists: nobody may see the key and find nobody behind it.
    this.#stopAnswering = this.#o.liveness.answer(this.#o.memberId);
    this.#stopListening = this.#o.liveness.onReconnect(() => {
      this.#reconnectedAt = Date.now();
    });
    this.#memberRevision = await this.#o.kv.put(this.#memberKey, this.#value());
    this.#watching = this.#watchLoop();
    this.#timer = setInterval(() => void this.#beat(), this.#o.heartbeatMs);
    this.#timer.unref();
    this.#schedule();
  }

  /** Finishes the events in flight, acks them, and hands every partition back at once. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    // Barrier: an acquisition already under way completes first; later ones see #stopping.
    await this.#kvOp(async () => undefined);
    // The beats go on while the events in flight finish, so a slow one does not lose its lease.
    await Promise.all([...this.#leases.values()].map((lease) => lease.worker.stop()));
    await Promise.all([...this.#handovers]);
    clearInterval(this.#timer);
    await this.#kvOp(async () => {
      for (const lease of this.#leases.values()) {
        if (!lease.lost)
          await this.#o.kv.delete(lease.key, { previousSeq: lease.revision }).catch(() => undefined);
      }
      this.#leases.clear();
      if (this.#memberRevision > 0)
        await this.#o.kv
          .delete(this.#memberKey, { previousSeq: this.#memberRevision })
          .catch(() => undefined);
    });
    this.#watch?.stop();
    await this.#watching;
    this.#stopListening?.();
    this.#stopAnswering?.();
  }

  #value(): string {
    return JSON.stringify({ member: this.#o.memberId, leaseMs: this.#o.leaseMs } satisfies LeaseValue);
  }

  /** KV writes run one at a time, so a renewal and a release never race on one revision. */
  #kvOp<T>(op: () => Promise<T>): Promise<T> {
    const result = this.#kvQueue.then(op, op);
    this.#kvQueue = result.catch(() => undefined);
    return result;
  }

  /** Keeps a local copy of the group's keys; every change triggers a rebalance check. */
  async #watchLoop(): Promise<void> {
    while (!this.#stopping) {
      try {
        this.#watch = await this.#o.kv.watch({ key: `${this.#prefix}.>` });
        if (this.#stopping) this.#watch.stop();
        const view = new Map<string, KvEntry>();
        this.#view = view;
        this.#loaded = false;
        // Our own member key is there, so the snapshot is never empty: its last entry is the
        // first flagged as an update. Deciding on half a snapshot would only cost failed CAS
        // attempts (every write is one), but there is no need to.
        for await (const entry of this.#watch) {
          view.set(entry.key, entry);
          if (entry.isUpdate) {
            this.#loaded = true;
            this.#schedule();
          }
        }
      } catch {
        // The watcher failed (server gone for long): start it again, the heartbeat goes on.
      }
      if (!this.#stopping) await sleep(250);
    }
  }

  /** Renews the member key and every held lease; a lease renewed by someone else is lost. */
  async #beat(): Promise<void> {
    if (this.#beating) return;
    this.#beating = true;
    try {
      await this.#kvOp(async () => {
        try {
          this.#memberRevision = await this.#o.kv.update(
            this.#memberKey,
            this.#value(),
            this.#memberRevision,
          );
        } catch (error) {
          // Deleted as expired while we were paused: join again.
          if (isWrongRevision(error))
            this.#memberRevision = await this.#o.kv.put(this.#memberKey, this.#value());
        }
        for (const lease of this.#leases.values()) {
          if (lease.lost) continue;
          try {
            lease.revision = await this.#o.kv.update(lease.key, this.#value(), lease.revision);
          } catch (error) {
            if (isWrongRevision(error)) this.#lose(lease);
          }
        }
      });
    } catch {
      // Server unreachable: the next beat tries again; our leases hold until someone else's CAS wins.
    } finally {
      this.#beating = false;
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopping) return;
    if (this.#reconciling) {
      this.#again = true;
      return;
    }
    this.#reconciling = true;
    void (async () => {
      try {
        do {
          this.#again = false;
          await this.#reconcile();
        } while (this.#again && !this.#stopping);
      } catch {
        // a failed KV call: the next beat or watch event tries again
      } finally {
        this.#reconciling = false;
      }
    })();
  }

  /** Takes the partitions assigned to us that are free or expired, hands back the others. */
  async #reconcile(): Promise<void> {
    if (!this.#loaded) return;
    const me = this.#o.memberId;
    const now = Date.now();
    const members = new Set<string>([me]);
    const expiredMembers: KvEntry[] = [];
    for (const [key, entry] of this.#view) {
      if (!key.startsWith(`${this.#prefix}.m.`) || entry.operation !== 'PUT') continue;
      const value = parse(entry);
      if (!value) continue;
      if (isExpired(entry, value, now)) expiredMembers.push(entry);
      else members.add(value.member);
    }
    const gone = await this.#gone(members);
    for (const [key, entry] of this.#view) {
      if (
        key.startsWith(`${this.#prefix}.m.`) &&
        entry.operation === 'PUT' &&
        gone.has(parse(entry)?.member ?? '')
      )
        expiredMembers.push(entry);
    }
    for (const member of gone) members.delete(member);
    const sorted = [...members].sort();
    for (let partition = 0; partition < this.#o.partitions; partition++) {
      if (this.#stopping) return;
      const owner = sorted[partition % sorted.length];
      const held = this.#leases.get(partition);
      if (owner !== me) {
        if (held && !held.releasing) this.#handBack(held);
        continue;
      }
      if (held) continue;
      const entry = this.#view.get(leaseKey(this.#prefix, partition));
      if (entry?.operation !== 'PUT') {
        await this.#acquire(partition, entry?.revision ?? 0);
        continue;
      }
      const value = parse(entry);
      if (!value || value.member === me || gone.has(value.member) || isExpired(entry, value, now))
        await this.#acquire(partition, entry.revision);
    }
    // The first live member clears the keys of dead ones, so the bucket does not grow.
    if (sorted[0] === me) {
      for (const entry of expiredMembers) {
        await this.#kvOp(() => this.#o.kv.delete(entry.key, { previousSeq: entry.revision })).catch(
          () => undefined,
        );
      }
    }
  }

  /** The members (not us) whose connection the server says is gone; none right after our own reconnect. */
  async #gone(members: ReadonlySet<string>): Promise<Set<string>> {
    const gone = new Set<string>();
    const now = Date.now();
    if (now - this.#reconnectedAt < PROBE_GRACE_MS) return gone;
    const probed = [...members].filter(
      (member) => member !== this.#o.memberId && now - (this.#alive.get(member) ?? 0) > ALIVE_CACHE_MS,
    );
    await Promise.all(
      probed.map(async (member) => {
        if (await this.#o.liveness.isGone(member)) gone.add(member);
        else this.#alive.set(member, Date.now());
      }),
    );
    for (const member of this.#alive.keys()) if (!members.has(member)) this.#alive.delete(member);
    return gone;
  }

  /** Compare-and-set on the lease key: create it when free, or take it over at the expired revision. */
  async #acquire(partition: number, revision: number): Promise<void> {
    await this.#kvOp(async () => {
      if (this.#stopping || this.#leases.has(partition)) return;
      const key = leaseKey(this.#prefix, partition);
      let acquired: number;
      try {
        acquired =
          revision === 0
            ? await this.#o.kv.create(key, this.#value())
            : await this.#o.kv.update(key, this.#value(), revision);
      } catch (error) {
        if (isWrongRevision(error)) return; // someone else was faster, or our view was stale
        throw error;
      }
      const worker = new PartitionWorker(this.#o, partition);
      this.#leases.set(partition, {
        partition,
        key,
        revision: acquired,
        worker,
        releasing: false,
        lost: false,
      });
      worker.start();
    });
  }

  /** Rebalance: finish the event in flight, ack it, then delete the lease so its new owner takes it. */
  #handBack(lease: Lease): void {
    lease.releasing = true;
    const handover = (async () => {
      await lease.worker.stop();
      await this.#kvOp(() => this.#o.kv.delete(lease.key, { previousSeq: lease.revision })).catch(
        () => undefined,
      );
      if (this.#leases.get(lease.partition) === lease) this.#leases.delete(lease.partition);
    })();
    this.#handovers.add(handover);
    void handover.finally(() => {
      this.#handovers.delete(handover);
      this.#schedule();
    });
  }

  /** Someone else holds the lease now (ours expired): stop consuming, leave the key alone. */
  #lose(lease: Lease): void {
    if (lease.lost) return;
    lease.lost = true;
    lease.releasing = true;
    const handover = (async () => {
      await lease.worker.stop();
      if (this.#leases.get(lease.partition) === lease) this.#leases.delete(lease.partition);
    })();
    this.#handovers.add(handover);
    void handover.finally(() => {
      this.#handovers.delete(handover);
      this.#schedule();
    });
  }
}

/** Consumes one partition through its durable pull consumer, one event at a time. */
class PartitionWorker {
  readonly #o: MemberOptions;
  readonly #partition: number;
  #stopping = false;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #stopListening: (() => void) | undefined;

  constructor(options: MemberOptions, partition: number) {
    this.#o = options;
    this.#partition = partition;
  }

  start(): void {
    // The server forgets a connection's pulls with it. The client's own recovery waits up to
    // fetchExpiresMs between checks once one fails (a broker still starting): pull again at
    // once instead, through this loop's short backoff.
    this.#stopListening = this.#o.liveness.onReconnect(() => void this.#messages?.close());
    this.#loop = this.#run();
  }

  /** Stops pulling at once; the event in flight finishes and is acked before this resolves. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    // Unsubscribing first: the server sends nothing more to this pull, even after our last ack.
    void this.#messages?.close();
    await this.#loop;
    this.#stopListening?.();
  }

  async #run(): Promise<void> {
    for (let failures = 0; !this.#stopping; failures++) {
      try {
        await this.#ensureConsumer();
        const consumer = await this.#o.js.consumers.get(
          this.#o.stream,
          durableName(this.#o.group, this.#partition),
        );
        if (this.#stopping) return;
        // One message per pull: with max_ack_pending 1 the server holds the next until we ack.
        const messages = await consumer.consume({ max_messages: 1, expires: this.#o.fetchExpiresMs });
        this.#messages = messages;
        if (this.#stopping) void messages.close();
        for await (const msg of messages) {
          failures = 0;
          if (this.#stopping) {
            msg.nak(); // not handled: redeliver at once to whoever owns the partition next
            continue;
          }
          if (!(await this.#deliver(msg))) {
            msg.nak();
            continue;
          }
          // Handing over: the ack must be on the server before the lease is released.
          if (this.#stopping) await msg.ackAck().catch(() => false);
          else msg.ack();
        }
      } catch {
        // stream or consumer unreachable (server restarting): try again with backoff
      }
      if (!this.#stopping) await this.#pause(Math.min(MAX_BACKOFF_MS, 100 * 2 ** failures));
    }
  }

  async #ensureConsumer(): Promise<void> {
    const { jsm, stream, group, topic, ackWaitMs } = this.#o;
    const name = durableName(group, this.#partition);
    try {
      const info = await jsm.consumers.info(stream, name);
      if (info.config.ack_wait !== nanos(ackWaitMs) || info.config.max_ack_pending !== 1)
        await jsm.consumers.update(stream, name, { ack_wait: nanos(ackWaitMs), max_ack_pending: 1 });
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
        throw error;
    }
    await jsm.consumers.add(stream, {
      durable_name: name,
      description: `bounded: group ${group}, partition ${this.#partition} of ${topic}`,
      filter_subject: subjectOf(topic, this.#partition),
      // A new group starts from the beginning of the stream.
      deliver_policy: DeliverPolicy.All,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      // One event in flight per partition: nothing behind an unacked event is delivered.
      max_ack_pending: 1,
      max_deliver: -1,
      replay_policy: ReplayPolicy.Instant,
    });
  }

  /** Retries the handler with backoff until it succeeds; false if we stopped first. */
  async #deliver(msg: JsMsg): Promise<boolean> {
    const event = this.#o.decode(msg, this.#partition);
    // A slow handler keeps its event: every `working()` restarts the server's ack_wait.
    const progress = setInterval(() => msg.working(), Math.max(200, Math.floor(this.#o.ackWaitMs / 3)));
    try {
      return await retryUntilHandled(() => this.#o.handler(event), {
        stopped: () => this.#stopping,
        onError: (error) =>
          this.#o.onHandlerError?.(error, {
            topic: this.#o.topic,
            partition: this.#partition,
            offset: msg.seq,
          }),
        pause: (ms) => this.#pause(ms),
      });
    } finally {
      clearInterval(progress);
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function parse(entry: KvEntry): LeaseValue | undefined {
  try {
    const value = entry.json<LeaseValue>();
    return typeof value?.member === 'string' && typeof value.leaseMs === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A key lives while its last write (server time) is younger than the lease it carries. */
function isExpired(entry: KvEntry, value: LeaseValue, now: number): boolean {
  return now - entry.created.getTime() > value.leaseMs;
}

function isWrongRevision(error: unknown): boolean {
  return (
    error instanceof JetStreamApiError &&
    (error.code === JetStreamApiCodes.StreamWrongLastSequence ||
      error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
