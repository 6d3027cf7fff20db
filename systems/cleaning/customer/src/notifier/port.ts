/**
 * The notifier's sending port: how a message reaches the customer. By default it is logged
 * (the message is stored either way, `/notifications`); with NOTIFY_WEBHOOK_URL it is POSTed
 * there, which is how a user plugs in SMS or chat. A send that throws is tried again later; one
 * that resolves is never tried again. A webhook receiver must treat the Idempotency-Key (the
 * message id) as the message's identity: the sender is at-least-once (a crash between the 2xx
 * and recording it sends the message again, under the same key).
 */
import type { Logger } from '@bounded/kernel';
import type { Message } from '../domain/notification.ts';

export interface NotificationSender {
  /** Resolves once the message is delivered; rejects (and it is retried) otherwise. */
  send(message: Message): Promise<void>;
}

export function logSender(log: Logger): NotificationSender {
  return {
    async send(message) {
      log.info({ notification: message }, `notify ${message.customerId ?? '(no customer)'}: ${message.text}`);
    },
  };
}

export function webhookSender(url: string, timeoutMs: number): NotificationSender {
  return {
    async send(message) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': message.messageId },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.arrayBuffer(); // free the connection
      if (res.status < 200 || res.status > 299) throw new Error(`webhook answered ${res.status}`);
    },
  };
}
