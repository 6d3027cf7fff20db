import { setTimeout as sleep } from 'node:timers/promises';
import { MalformedEventError } from '../envelope.ts';
import type { BatchHandler, DeliveredEvent, EventHandler } from '../port.ts';
import { retryUntilHandled } from '../retry.ts';
import type { GroupCoordinator } from './groups.ts';
import type { EventLog, StoredEvent } from './log.ts';
import type { Wakeup } from './wakeup.ts';

/** Type given to an event whose body could not be decoded, so the consumer can park it. */
export const MALFORMED_EVENT_TYPE = 'bounded.MalformedEvent';

interface MemberOptions {
  topic: string;
  group: string;
  handler: EventHandler;
  batchHandler?: BatchHandler;
  types?: readonly string[];
  memberId: string;
  log: EventLog;
  groups: GroupCoordinator;
  wakeup: Wakeup;
  /** Fires when any process of the group joined or left; `announce` fires it. */
  membership: Wakeup;
  announce: () => void;
  decode: (stored: StoredEvent) => DeliveredEvent;
  heartbeatMs: number;
  batchSize: number;
  onHandlerError?: (error: unknown, event: { topic: string; partition: number; offset: number }) => void;
}

// inotify wakes a reader on every append; this timer is only insurance against a lost notification.
const IDLE_FALLBACK_MS = 30_000;
/**
 * While events flow, positions are committed at most this often (and always before going
 * idle, releasing a partition or stopping): a commit per tiny batch made the group file the
 * busiest lock of the machine. A crash re-delivers at most this much; the inbox absorbs it.
 */
const COMMIT_INTERVAL_MS = 50;
/**
 * When a member only moved past events of types it does not handle, a crash costs nothing but
 * passing over them again: those positions are committed far less often (or when going idle).
 */
const PASSED_OVER_COMMIT_INTERVAL_MS = 1000;
const BUSY_GAP_MS = 5;
const GATHER_MS = 8;

/** One partition's rows for a round, and the position once they are handled. */
interface Read {
  partition: number;
  position: number;
  rows: StoredEvent[];
  end: number;
}

/**
 * One member of a consumer group: heartbeats its lease, fetches the partitions it owns in
 * batches, hands events to the handler in offset order (a run at once to the batch handler,
 * when there is one), and commits the position after handling. A crash between handling and
 * commit re-delivers the batch. Types the group does not handle are passed over undecoded.
 */
export class GroupMember {
  readonly #o: MemberOptions;
  readonly #partitions: number;
  readonly #types: readonly string[] | undefined;
  #owned = new Set<number>();
  #desired = new Set<number>();
  #positions = new Map<number, number>();
  #committed = new Map<number, number>();
  #lastCommit = 0;
  #deliveredSinceCommit = false;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;

  constructor(options: MemberOptions) {
    this.#o = options;
    this.#partitions = options.log.partitionsOf(options.topic);
    this.#types = options.types ? [...new Set(options.types)] : undefined;
  }

  assigned(): number[] {
    return [...this.#owned].filter((p) => this.#desired.has(p)).sort((a, b) => a - b);
  }

  start(): void {
    this.#beat();
    this.#unlisten = this.#o.membership.listen(() => this.#beat());
    this.#heartbeat = setInterval(() => this.#beat(), this.#o.heartbeatMs);
    this.#heartbeat.unref();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    if (this.#stopping) return this.#loop;
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    this.#unlisten?.();
    this.#o.wakeup.notify();
    await this.#loop;
    this.#commit();
    this.#o.groups.leave(this.#o.group, this.#o.topic, this.#o.memberId);
    this.#o.announce();
  }

  #beat(): void {
    if (this.#stopping) return;
    const { owned, desired, changed } = this.#o.groups.heartbeat(
      this.#o.group,
      this.#o.topic,
      this.#o.memberId,
      this.#partitions,
    );
    if (changed) this.#o.announce();
    const gained = [...owned].some((p) => !this.#owned.has(p));
    const toRelease = [...owned].some((p) => !desired.has(p));
    for (const partition of owned) {
      if (!this.#owned.has(partition))
        this.#positions.set(partition, this.#o.groups.position(this.#o.group, this.#o.topic, partition));
    }
    this.#owned = owned;
    this.#desired = desired;
    // Wake the loop: it fetches what we gained, and releases (between batches) what we lost.
    if (gained || toRelease) this.#o.wakeup.notify();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      this.#releaseUnassigned();
      const seen = this.#o.wakeup.generation;
      const handled = await this.#round();
      const interval = this.#deliveredSinceCommit ? COMMIT_INTERVAL_MS : PASSED_OVER_COMMIT_INTERVAL_MS;
      if (handled === 0 || Date.now() - this.#lastCommit >= interval) this.#commit();
      if (handled === 0 && !this.#stopping) {
        const idleSince = Date.now();
        await this.#o.wakeup.wait(seen, IDLE_FALLBACK_MS);
        // Woken almost at once: events are flowing. Let a few more arrive and take them in one
        // round, instead of waking (with every other group on the machine) for each one.
        if (Date.now() - idleSince < BUSY_GAP_MS && !this.#stopping) await sleep(GATHER_MS);
      }
    }
  }

  /** Hands back partitions the assignment moved elsewhere; runs between batches only. */
  #releaseUnassigned(): void {
    if ([...this.#owned].some((p) => !this.#desired.has(p))) this.#commit();
    let released = false;
    for (const partition of this.#owned) {
      if (this.#desired.has(partition)) continue;
      this.#o.groups.release(this.#o.group, this.#o.topic, partition, this.#o.memberId);
      this.#owned.delete(partition);
      released = true;
    }
    // The member waiting for these partitions claims them on its next beat: make that now.
    if (released) this.#o.announce();
  }

  /**
   * Reads every owned partition that has news. With a batch handler, the whole round goes to it
   * at once — each partition's events in offset order, so per-key order holds — which makes one
   * transaction of what would otherwise be one per partition: under load a round finds a few
   * events spread over all partitions. Without one, events go one at a time.
   */
  async #round(): Promise<number> {
    const { log, topic } = this.#o;
    const reads = log.snapshot(() => {
      const heads = log.heads(topic);
      const lastOfTypes = this.#types && log.lastOfTypes(topic, this.#types);
      const news: Read[] = [];
      for (const partition of this.assigned()) {
        const position = this.#positions.get(partition) ?? 0;
        const head = heads.get(partition) ?? 0;
        if (head <= position) continue;
        // None of our types since our position: move past the others without reading them.
        if (lastOfTypes && (lastOfTypes.get(partition) ?? -1) < position) {
          news.push({ partition, position, rows: [], end: head });
        } else news.push(this.#read(partition, position, head));
      }
      return news;
    });
    if (reads.some(({ rows }) => rows.length > 0)) this.#deliveredSinceCommit = true;
    let handled = 0;
    if (this.#o.batchHandler) {
      const events = reads.flatMap(({ rows }) => rows.map((row) => this.#decode(row)));
      if (events.length > 0 && !(await this.#handleRun(events))) return 0;
      for (const { partition, position, end } of reads) {
        this.#positions.set(partition, end);
        handled += end - position;
      }
      return handled;
    }
    for (const read of reads) {
      handled += await this.#consume(read);
      if (this.#stopping) break;
    }
    return handled;
  }

  /** What the group wants of one partition below its head, and where its position goes after. */
  #read(partition: number, position: number, head: number): Read {
    const { log, topic, batchSize } = this.#o;
    if (!this.#types) {
      const rows = log.read(topic, partition, position, batchSize);
      return {
        partition,
        position,
        rows,
        end: rows.length > 0 ? rows[rows.length - 1].offset + 1 : position,
      };
    }
    const rows = log.readTypes(topic, partition, position, head, this.#types, batchSize);
    // A full batch may stop short of the head; otherwise everything below it was seen.
    const end = rows.length === batchSize ? rows[rows.length - 1].offset + 1 : head;
    return { partition, position, rows, end };
  }

  #handleRun(events: DeliveredEvent[]): Promise<boolean> {
    const [first] = events;
    return events.length === 1
      ? this.#attempt(first, () => this.#o.handler(first))
      : this.#attempt(first, () => this.#o.batchHandler!(events));
  }

  /** One partition's events, one at a time; stops at an event not handled (we stopped). */
  async #consume({ partition, position, rows, end }: Read): Promise<number> {
    let next = end;
    for (const row of rows) {
      const event = this.#decode(row);
      if (await this.#attempt(event, () => this.#o.handler(event))) continue;
      next = event.offset;
      break;
    }
    this.#positions.set(partition, next);
    return next - position;
  }

  /** Commits the positions that moved, fenced by ownership. */
  #commit(): void {
    this.#lastCommit = Date.now();
    this.#deliveredSinceCommit = false;
    const moved = new Map<number, number>();
    for (const partition of this.#owned) {
      const position = this.#positions.get(partition) ?? 0;
      if (position !== this.#committed.get(partition)) moved.set(partition, position);
    }
    if (moved.size === 0) return;
    const fenced = this.#o.groups.commit(this.#o.group, this.#o.topic, this.#o.memberId, moved);
    for (const [partition, position] of moved) {
      // Fenced: another member took the partition (our lease lapsed); it resumes from the last commit.
      if (fenced.has(partition)) this.#owned.delete(partition);
      else this.#committed.set(partition, position);
    }
  }

  /** Retries the handling with backoff until it succeeds; false if we stopped first. */
  #attempt(first: DeliveredEvent, handle: () => Promise<void>): Promise<boolean> {
    const at = { topic: this.#o.topic, partition: first.partition, offset: first.offset };
    return retryUntilHandled(handle, {
      stopped: () => this.#stopping,
      onError: (error) => this.#o.onHandlerError?.(error, at),
    });
  }

  #decode(stored: StoredEvent): DeliveredEvent {
    try {
      return this.#o.decode(stored);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      return {
        id: stored.id,
        topic: this.#o.topic,
        key: stored.key,
        type: MALFORMED_EVENT_TYPE,
        timestamp: stored.appended_at,
        data: { raw: stored.value, error: error.message },
        partition: stored.partition,
        offset: stored.offset,
        appendedAt: stored.appended_at,
      };
    }
  }
}
