/** Whenever anything happens to a rental, its customer page row follows (created on its first event). */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { type EventPayloads, type EventType, orderIdOf, type PolicyEvent } from '../../../events.ts';
import { type CustomerpageTables, customerpages } from '../resources.ts';
import { applyEvent, emptyPage, VIEWED_EVENTS } from '../views/customer-page.ts';

type Handler = (event: PolicyEvent, trx: Kysely<CustomerpageTables>, record: RecordEvents) => Promise<void>;

const follow =
  (type: EventType): Handler =>
  async (event, trx) => {
    const orderId = orderIdOf(event);
    const row = await customerpages.loadBy(trx, 'orderId', orderId, { lock: true });
    const { id: _id, ...page } = row ?? { id: 0, ...emptyPage(orderId) };
    const next = applyEvent(page, type, event.data as unknown as EventPayloads[typeof type]);
    if (row) await customerpages.update(trx, row.id, next);
    else await customerpages.insert(trx, next);
  };

export const updateCustomerPage: Record<string, Handler> = Object.fromEntries(
  VIEWED_EVENTS.map((type) => [type, follow(type)]),
);
