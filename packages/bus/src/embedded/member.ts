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
const BUSY_GAP_MS = 5;
const GATHER_MS = 3;

/**
 * One member of a consumer group: heartbeats its lease, fetches the partitions it owns in
 * batches, hands events to the handler in offset order (a run at once to the batch handler,
 * when there is one), and commits the position after handling. A crash between handling and
 * commit re-delivers the batch. Types the group does not handle are passed over undecoded.
 */
export class GroupMember {
  readonly #o: MemberOptions;
  readonly #partitions: number;
  readonly #wanted: ReadonlySet<string> | undefined;
  #owned = new Set<number>();
  #desired = new Set<number>();
  #positions = new Map<number, number>();
  #committed = new Map<number, number>();
  #lastCommit = 0;
  #stopping = false;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #unlisten: (() => void) | undefined;

  constructor(options: MemberOptions) {
    this.#o = options;
    this.#partitions = options.log.partitionsOf(options.topic);
    this.#wanted = options.types ? new Set(options.types) : undefined;
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
      if (handled === 0 || Date.now() - this.#lastCommit >= COMMIT_INTERVAL_MS) this.#commit();
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

  async #round(): Promise<number> {
    const heads = this.#o.log.heads(this.#o.topic);
    let handled = 0;
    for (const partition of this.assigned()) {
      const position = this.#positions.get(partition) ?? 0;
      if ((heads.get(partition) ?? 0) <= position) continue;
      handled += await this.#consume(partition, position);
      if (this.#stopping) break;
    }
    return handled;
  }

  async #consume(partition: number, position: number): Promise<number> {
    const batch = this.#o.log.read(this.#o.topic, partition, position, this.#o.batchSize);
    if (batch.length === 0) return 0;
    const wanted = this.#wanted;
    const events = (wanted ? batch.filter((stored) => wanted.has(stored.type)) : batch).map((stored) =>
      this.#decode(stored),
    );
    let next = batch[batch.length - 1].offset + 1;
    if (events.length > 1 && this.#o.batchHandler) {
      if (!(await this.#attempt(events[0], () => this.#o.batchHandler!(events)))) next = events[0].offset;
    } else {
      for (const event of events) {
        if (await this.#attempt(event, () => this.#o.handler(event))) continue;
        next = event.offset;
        break;
      }
    }
    this.#positions.set(partition, next);
    return next - position;
  }

  /** Commits the positions that moved, fenced by ownership. */
  #commit(): void {
    this.#lastCommit = Date.now();
    for (const partition of this.#owned) {
      const position = this.#positions.get(partition) ?? 0;
      if (position === this.#committed.get(partition)) continue;
      if (this.#o.groups.commit(this.#o.group, this.#o.topic, partition, this.#o.memberId, position)) {
        this.#committed.set(partition, position);
      } else {
        // Fenced: another member took the partition (our lease lapsed); it resumes from the last commit.
        this.#owned.delete(partition);
      }
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
