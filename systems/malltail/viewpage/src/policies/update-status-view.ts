/** Whenever anything happens to an order, its statusView row follows (created on the first event seen). */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import { statusViews, type ViewPageTables } from '../tables.ts';
import { emptyStatusView, project, STATUS_VIEW_EVENTS } from '../views/status-view.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<ViewPageTables>) => Promise<void>;

async function updateStatusView(event: Event, trx: Kysely<ViewPageTables>): Promise<void> {
  const orderNo = orderIdOf(event);
  const row = await statusViews.loadBy(trx, 'orderNo', orderNo, { lock: true });
  const next = project(row ?? emptyStatusView(orderNo), event.type, event.data);
  if (row) await statusViews.update(trx, row.id, next);
  else await statusViews.insert(trx, next);
}

export const updateStatusViewPolicies: Record<string, Handler> = Object.fromEntries(
  STATUS_VIEW_EVENTS.map((type) => [type, updateStatusView]),
);
