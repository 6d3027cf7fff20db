/**
 * The sender loop: drains Pending notifications through the sending port, like an outbox relay.
 * Every poll it claims the due messages — moving their `nextAttemptAt` a lease ahead, in a
 * transaction holding their rows, so replicas of this service never send one message at the
 * same time — sends them, and records the outcome: Sent once the port resolved (never sent
 * again), or the failure with the next try pushed back (doubling, capped) while the receiver is
 * down. A sender killed mid-send leaves its claim to expire: the message goes out again after
 * the lease, under the same Idempotency-Key (at-least-once).
 */
import type { Logger } from '@bounded/kernel';
import type { Store } from '@bounded/store';
import { type Message, retryDelay } from '../domain/notification.ts';
import type { CustomerTables, NotificationRow } from '../tables.ts';
import { notifications } from '../tables.ts';
import type { NotificationSender } from './port.ts';

export interface SenderOptions {
  readonly store: Store<CustomerTables>;
  readonly sender: NotificationSender;
  readonly log: Logger;
  /** How often to look for due messages while there are some. */
  readonly pollMs: number;
  /** How often at most while there are none. */
  readonly idlePollMs: number;
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** How long a claimed message is left to its sender before another may try it. */
  readonly leaseMs: number;
  readonly batch?: number;
}

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

export interface Sender {
  /** A message was stored: look again soon. */
  wake(): void;
  close(): Promise<void>;
}

export function startSender(options: SenderOptions): Sender {
  const db = options.store.db;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  /**
   * One transaction: the due messages, locked, get their `nextAttemptAt` moved a lease ahead. A
   * replica claiming at the same time waits for the lock (PostgreSQL/MySQL re-check the
   * condition then and skip what was just claimed; SQLite's writers take turns), so a message
   * is claimed by one sender at a time.
   */
  async function claimDue(): Promise<NotificationRow[]> {
    return options.store.transaction(async (trx) => {
      const now = new Date().toISOString();
      const due = await trx
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'Pending')
        .where('nextAttemptAt', '<=', now)
        .orderBy('id', 'asc')
        .limit(options.batch ?? 100)
        .forUpdate()
        .execute();
      if (due.length === 0) return [];
      await trx
        .updateTable('notifications')
        .set({ nextAttemptAt: later(options.leaseMs) })
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        .execute();
      return due.map((row) => notifications.fromRow(row));
    });
  }

  /** Sends one message; answers whether it went out (a failure is recorded with its next try). */
  async function deliver(row: NotificationRow): Promise<boolean> {
    const { messageId, orderId, customerId, kind, text, cleanerName, cleanerTel } = row;
    const message: Message = { messageId, orderId, customerId, kind, text, cleanerName, cleanerTel };
    const attempts = row.attempts + 1;
    try {
      await options.sender.send(message);
      return true;
    } catch (error) {
      const delay = retryDelay(attempts, options.firstRetryMs, options.maxRetryMs);
      options.log.warn(
        { err: error, messageId: row.messageId, attempts, retryInMs: delay },
        'notification not delivered; retrying later',
      );
      await db
        .updateTable('notifications')
        .set({ attempts, nextAttemptAt: later(delay), lastError: String(error).slice(0, 1000) })
        .where('id', '=', row.id)
        .execute();
      return false;
    }
  }

  /** Marks what went out as Sent, all at once: it is never sent again. */
  async function markSent(rows: readonly NotificationRow[]): Promise<void> {
    if (rows.length === 0) return;
    await db
      .updateTable('notifications')
      .set((eb) => ({
        status: 'Sent',
        attempts: eb('attempts', '+', 1),
        sentAt: new Date().toISOString(),
        lastError: null,
      }))
      .where(
        'id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
  }

  /** Sends what is due, batch after batch; answers whether there was anything. */
  async function round(): Promise<boolean> {
    try {
      const claimed = await claimDue();
      const sent = await Promise.all(claimed.map(deliver));
      await markSent(claimed.filter((_, i) => sent[i]));
      if (claimed.length > 0 && !stopped) await round(); // more may be due: go on at once
      return claimed.length > 0;
    } catch (error) {
      options.log.error({ err: error }, 'notification sender round failed');
      return false;
    }
  }
  // How long until the next look: pollMs while messages come, doubling to idlePollMs while
  // none do (an idle service stays idle); wake() brings it back to pollMs at once.
  let interval = options.pollMs;
  let dueAt = 0;
  let woken = false;
  const schedule = (delay: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    dueAt = Date.now() + delay;
    timer = setTimeout(() => {
      timer = undefined;
      woken = false;
      running = round().then((found) => {
        interval = found || woken ? options.pollMs : Math.min(interval * 2, options.idlePollMs);
        if (!timer) schedule(interval);
      });
    }, delay);
  };
  schedule(interval);

  return {
    /** A message was stored: look again within pollMs. */
    wake() {
      woken = true;
      interval = options.pollMs;
      if (timer && dueAt - Date.now() > options.pollMs) schedule(options.pollMs);
    },
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
