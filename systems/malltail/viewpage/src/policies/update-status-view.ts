/** Whenever anything happens to an order, its statusView row follows (created on the first event seen). */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import { toStatusView, type ViewPageTables } from '../tables.ts';
import { emptyStatusView, project, STATUS_VIEW_EVENTS } from '../views/status-view.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<ViewPageTables>) => Promise<void>;

async function updateStatusView(event: Event, trx: Kysely<ViewPageTables>): Promise<void> {
  const orderNo = orderIdOf(event);
  const row = await trx
    .selectFrom('status_views')
    .selectAll()
    .where('orderNo', '=', orderNo)
    .forUpdate()
    .executeTakeFirst();
  const current = row ? toStatusView(row) : emptyStatusView(orderNo);
  const { id: _id, ...fields } = { id: 0, ...current };
  const next = project(fields, event.type, event.data);
  if (row) await trx.updateTable('status_views').set(next).where('id', '=', row.id).execute();
  else await trx.insertInto('status_views').values(next).execute();
}

export const updateStatusViewPolicies: Record<string, Handler> = Object.fromEntries(
  STATUS_VIEW_EVENTS.map((type) => [type, updateStatusView]),
);
