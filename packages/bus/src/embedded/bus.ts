import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fromWire } from '../envelope.ts';
import { Members } from '../members.ts';
import type { EventBus, EventMessage, SubscribeOptions, Subscription } from '../port.ts';
import { GroupCoordinator } from './groups.ts';
import { LazyBodyEvent } from './lazy-body.ts';
import { EventLog } from './log.ts';
import { GroupMember } from './member.ts';
import { Wakeup } from './wakeup.ts';

export interface EmbeddedBusOptions {
  /** Folder shared by every process of the system (default engine: `./data/bus`). */
  readonly dir: string;
  /** Partitions of a topic created by this bus (default 8). */
  readonly partitions?: number;
  /** 'process' survives a killed process; 'full' also a power cut (fsync per commit). */
  readonly durability?: 'process' | 'full';
  /** Lease renewal period of a group member (default 5000 ms); joins and leaves are signalled at once. */
  readonly heartbeatMs?: number;
  /** A member silent this long is evicted; a dead pid is evicted at once (default 20000 ms). */
  readonly sessionMs?: number;
  /** Events fetched per partition per round (default 500). */
  readonly batchSize?: number;
  /** Events older than this are dropped when a bus opens (default 7 days). */
  readonly retentionMs?: number;
  /** Told when a handler throws; the bus retries the same event with backoff. */
  readonly onHandlerError?: (
    error: unknown,
    event: { topic: string; partition: number; offset: number },
  ) => void;
}

const LOG_FILE = 'log.db';
const LOG_FOLDER = 'log';
/**
 * Touched after each append has committed. Readers watch this file, not the database: SQLite
 * writes the WAL frames (which inotify reports) before it publishes the commit in shared
 * memory (which it does not), so a reader woken by the WAL write could read too early, find
 * nothing, and sleep through the commit.
 */
const APPENDED_FILE = 'appended';
/**
 * …in a folder of its own: watching the log's folder would also report every write to its WAL
 * to every process, several per append.
 */
const APPENDED_FOLDER = 'appended';
/** Touched when a group's membership changes, so members rebalance at once, not at their next beat. */
const MEMBERSHIP_FOLDER = 'membership';
const MEMBERSHIP_FILE = 'changed';

/** The default engine: a durable log in SQLite files shared by the processes of one machine. */
export function createEmbeddedBus(options: EmbeddedBusOptions): EventBus {
  const logDir = join(options.dir, LOG_FOLDER);
  mkdirSync(logDir, { recursive: true });
  const durability = options.durability ?? 'process';
  const log = new EventLog(join(logDir, LOG_FILE), { partitions: options.partitions ?? 8, durability });
  log.expire(Date.now() - (options.retentionMs ?? 7 * 24 * 3600 * 1000));
  // One file per consumer group: only replicas of the same service contend for its lock.
  const groupsDir = join(options.dir, 'groups');
  mkdirSync(groupsDir, { recursive: true });
  const coordinators = new Map<string, GroupCoordinator>();
  const groupsOf = (group: string): GroupCoordinator => {
    let coordinator = coordinators.get(group);
    if (!coordinator) {
      coordinator = new GroupCoordinator(join(groupsDir, `${group.replace(/[^\w.-]/g, '_')}.db`), {
        sessionMs: options.sessionMs ?? 20_000,
        durability,
      });
      coordinators.set(group, coordinator);
    }
    return coordinator;
  };
  const appendedDir = join(options.dir, APPENDED_FOLDER);
  mkdirSync(appendedDir, { recursive: true });
  const wakeup = new Wakeup(appendedDir, APPENDED_FILE);
  const membershipDir = join(options.dir, MEMBERSHIP_FOLDER);
  mkdirSync(membershipDir, { recursive: true });
  const membership = new Wakeup(membershipDir, MEMBERSHIP_FILE);
  const announce = () => membership.signal();
  const members = new Members();
  let closed = false;

  return {
    engine: 'embedded',
    async publish(messages: readonly EventMessage[]) {
      if (closed) throw new Error('the event bus is closed');
      await log.append(messages);
      wakeup.signal();
      wakeup.notify();
    },
    async subscribe(subscribe: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('the event bus is closed');
      const member = new GroupMember({
        ...subscribe,
        memberId: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
        log,
        groups: groupsOf(subscribe.group),
        wakeup,
        membership,
        announce,
        decode: subscribe.lazyBodies
          ? (stored) => new LazyBodyEvent(subscribe.topic, stored)
          : (stored) => ({
              ...fromWire(
                subscribe.topic,
                {
                  key: stored.key,
                  value: stored.value,
                  headers: {
                    type: stored.type,
                    id: stored.id,
                    source: stored.source ?? undefined,
                    traceparent: stored.traceparent ?? undefined,
                  },
                },
                stored.id,
              ),
              partition: stored.partition,
              offset: stored.offset,
              appendedAt: stored.appended_at,
            }),
        heartbeatMs: options.heartbeatMs ?? 5000,
        batchSize: options.batchSize ?? 500,
        onHandlerError: options.onHandlerError,
      });
      member.start();
      return members.add(member);
    },
    async close() {
      if (closed) return;
      closed = true;
      await members.stopAll();
      wakeup.close();
      membership.close();
      for (const coordinator of coordinators.values()) coordinator.close();
      log.close();
    },
  };
}
