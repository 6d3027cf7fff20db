/** Whenever anything happens to an order, its MyPage row follows (created on the first event seen). */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import { type MyPageTables, myPages } from '../tables.ts';
import { emptyMyPage, MY_PAGE_EVENTS, type MyPage, project } from '../views/my-page.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<MyPageTables>) => Promise<void>;

async function updateMyPage(event: Event, trx: Kysely<MyPageTables>): Promise<void> {
  const orderId = orderIdOf(event);
  const row = await myPages.loadBy(trx, 'orderId', orderId, { lock: true });
  const current: MyPage = row ?? emptyMyPage(orderId);
  const next = project(current, event.type, event.data);
  if (row) await myPages.update(trx, row.id, next);
  else await myPages.insert(trx, next);
}

export const updateMyPagePolicies: Record<string, Handler> = Object.fromEntries(
  MY_PAGE_EVENTS.map((type) => [type, updateMyPage]),
);
