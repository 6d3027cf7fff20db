/**
 * The sender loop: drains Pending notifications through the sending port, like an outbox relay.
 * Every poll it claims the due messages — moving their `nextAttemptAt` a lease ahead with a
 * conditional write, so replicas of this service never send one message at the same time —
 * sends them, and records the outcome: Sent once the port resolved (never sent again), or the
 * failure with the next try pushed back (doubling, capped) while the receiver is down.
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
  readonly pollMs: number;
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** How long a claimed message is left to its sender before another may try it. */
  readonly leaseMs: number;
  readonly batch?: number;
}

const later = (ms: number) => new Date(Date.now() + ms).toISOString();

export function startSender(options: SenderOptions): { close(): Promise<void> } {
  const db = options.store.db;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function claimDue(): Promise<NotificationRow[]> {
    const now = new Date().toISOString();
    const due = await db
      .selectFrom('notifications')
      .selectAll()
      .where('status', '=', 'Pending')
      .where('nextAttemptAt', '<=', now)
      .orderBy('id', 'asc')
      .limit(options.batch ?? 50)
      .execute();
    const claimed: NotificationRow[] = [];
    for (const row of due) {
      const lease = await db
        .updateTable('notifications')
        .set({ nextAttemptAt: later(options.leaseMs) })
        .where('id', '=', row.id)
        .where('status', '=', 'Pending')
        .where('nextAttemptAt', '=', row.nextAttemptAt)
        .executeTakeFirst();
      if (Number(lease.numUpdatedRows) === 1) claimed.push(notifications.fromRow(row));
    }
    return claimed;
  }

  async function deliver(row: NotificationRow): Promise<void> {
    const { messageId, orderId, customerId, kind, text, cleanerName, cleanerTel } = row;
    const message: Message = { messageId, orderId, customerId, kind, text, cleanerName, cleanerTel };
    const attempts = row.attempts + 1;
    try {
      await options.sender.send(message);
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
      return;
    }
    await db
      .updateTable('notifications')
      .set({ status: 'Sent', attempts, sentAt: new Date().toISOString(), lastError: null })
      .where('id', '=', row.id)
      .execute();
  }

  async function round(): Promise<void> {
    try {
      const claimed = await claimDue();
      await Promise.all(claimed.map(deliver));
      if (claimed.length > 0 && !stopped) return round(); // more may be due: go on at once
    } catch (error) {
      options.log.error({ err: error }, 'notification sender round failed');
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().finally(schedule);
    }, options.pollMs);
  };
  schedule();

  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
