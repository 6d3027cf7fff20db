/**
 * Whenever something happens to a request, the customer's history row follows, and — when it is
 * news for them (assigned, none free, cancelled, done) — a message is stored Pending for the
 * sender to send. Both in the consumer's transaction with its inbox row: a re-delivered event
 * writes nothing twice (and the message id is unique besides).
 */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import { messageFor, NOTIFYING_EVENTS } from '../domain/notification.ts';
import { type CustomerTables, histories, notifications } from '../tables.ts';
import { emptyHistory, HISTORY_EVENTS, project } from '../views/cleaning-history.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<CustomerTables>) => Promise<void>;

async function updateHistory(event: Event, trx: Kysely<CustomerTables>): Promise<void> {
  const orderId = orderIdOf(event);
  const row = await trx
    .selectFrom('cleaning_histories')
    .selectAll()
    .where('orderId', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  const current = row ? histories.fromRow(row) : undefined;
  const next = project(current ?? emptyHistory(orderId), event.type, event.data);
  if (current) await histories.update(trx, current.id, next);
  else await histories.insert(trx, next);
}

/** Stores the event's message for the sender, if it tells the customer anything; answers whether it did. */
async function storeMessage(event: Event, trx: Kysely<CustomerTables>): Promise<boolean> {
  const message = messageFor(event.type, event.data);
  if (!message) return false;
  const known = await trx
    .selectFrom('notifications')
    .select('id')
    .where('messageId', '=', message.messageId)
    .executeTakeFirst();
  if (known) return false;
  const now = new Date().toISOString();
  await notifications.insert(trx, {
    ...message,
    status: 'Pending',
    attempts: 0,
    createdAt: now,
    sentAt: null,
    nextAttemptAt: now,
    lastError: null,
  });
  return true;
}

/** The policies; `stored` is told when a message waits for the sender (it then looks soon). */
export function tellCustomerPolicies(stored: () => void): Record<string, Handler> {
  const tellCustomer: Handler = async (event, trx) => {
    await updateHistory(event, trx);
    if (await storeMessage(event, trx)) stored();
  };
  return Object.fromEntries(
    [...new Set([...HISTORY_EVENTS, ...NOTIFYING_EVENTS])].map((type) => [type, tellCustomer]),
  );
}
