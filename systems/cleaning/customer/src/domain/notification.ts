/**
 * What the customer is told, and when (requirements 4, 5, 7): a cleaner was assigned (with
 * their name and tel), none was free, the request was cancelled, the cleaning is done. Pure:
 * one message per request and kind, whose id (`<request>-<kind>`) is the same however often the
 * event is delivered, so a message is stored once and sent under one Idempotency-Key.
 */
import { type EventType, payloadOf } from '../../../events.ts';

export type NotificationKind = 'Confirmed' | 'NoCleanerAvailable' | 'Cancelled' | 'Completed';

export interface Message {
  readonly messageId: string;
  readonly orderId: number;
  readonly customerId: string | null;
  readonly kind: NotificationKind;
  readonly text: string;
  readonly cleanerName: string | null;
  readonly cleanerTel: string | null;
}

type Data = Readonly<Record<string, unknown>>;

const messageOf = (
  orderId: number,
  customerId: string | null,
  kind: NotificationKind,
  text: string,
  cleaner: { name: string; tel: string } | null = null,
): Message => ({
  messageId: `${orderId}-${kind}`,
  orderId,
  customerId,
  kind,
  text,
  cleanerName: cleaner?.name ?? null,
  cleanerTel: cleaner?.tel ?? null,
});

const MESSAGES: Partial<Record<EventType, (data: Data) => Message>> = {
  CleanerAssigned: (data) => {
    const e = payloadOf('CleanerAssigned', data);
    return messageOf(
      e.orderId,
      e.customerId,
      'Confirmed',
      `Your cleaning at ${e.location} is confirmed: ${e.cleanerName} (tel ${e.cleanerTel}) will come.`,
      { name: e.cleanerName, tel: e.cleanerTel },
    );
  },
  NoCleanerAvailable: (data) => {
    const e = payloadOf('NoCleanerAvailable', data);
    return messageOf(
      e.orderId,
      e.customerId,
      'NoCleanerAvailable',
      `No cleaner is free for your cleaning at ${e.location} right now: please request again later.`,
    );
  },
  CleanCallCancelled: (data) => {
    const e = payloadOf('CleanCallCancelled', data);
    return messageOf(e.orderId, e.customerId, 'Cancelled', `Your cleaning at ${e.location} is cancelled.`);
  },
  CleaningCompleted: (data) => {
    const e = payloadOf('CleaningCompleted', data);
    return messageOf(
      e.orderId,
      e.customerId,
      'Completed',
      `Your cleaning at ${e.location} is done: ${e.cleanerName} completed it.`,
      { name: e.cleanerName, tel: e.cleanerTel },
    );
  },
};

/** The event types that tell the customer something. */
export const NOTIFYING_EVENTS = Object.keys(MESSAGES) as EventType[];

/** The message an event tells the customer, if any. */
export function messageFor(type: string, data: Data): Message | undefined {
  return MESSAGES[type as EventType]?.(data);
}

/**
 * How long to wait before sending again after `attempts` failed tries: doubling from `firstMs`,
 * at most `maxMs`.
 */
export function retryDelay(attempts: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, attempts - 1));
}
