/** Whenever anything happens to an order, its MyPage row follows (created on the first event seen). */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import type { MyPageTables } from '../tables.ts';
import { emptyMyPage, MY_PAGE_EVENTS, type MyPage, project } from '../views/my-page.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<MyPageTables>) => Promise<void>;

async function updateMyPage(event: Event, trx: Kysely<MyPageTables>): Promise<void> {
  const orderId = orderIdOf(event);
  const row = await trx
    .selectFrom('my_pages')
    .selectAll()
    .where('orderId', '=', orderId)
    .forUpdate()
    .executeTakeFirst();
  const current: MyPage = row
    ? { ...row, orderId, itemPrice: row.itemPrice === null ? null : Number(row.itemPrice) }
    : emptyMyPage(orderId);
  const next = project(current, event.type, event.data);
  if (row) await trx.updateTable('my_pages').set(next).where('id', '=', row.id).execute();
  else await trx.insertInto('my_pages').values(next).execute();
}

export const updateMyPagePolicies: Record<string, Handler> = Object.fromEntries(
  MY_PAGE_EVENTS.map((type) => [type, updateMyPage]),
);
