/** Whenever anything happens to a rental, its MyPage row follows (created on the first event seen). */
import type { Kysely } from 'kysely';
import { payloadOf, rentalIdOf } from '../../../events.ts';
import { type MyPageTables, myPages } from '../tables.ts';
import { emptyMyPage, MY_PAGE_EVENTS, project } from '../views/mypage.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<MyPageTables>) => Promise<void>;

async function updateMyPage(event: Event, trx: Kysely<MyPageTables>): Promise<void> {
  const id = rentalIdOf(event);
  const row = await myPages.load(trx, id, { lock: true });
  const data = payloadOf(event.type as (typeof MY_PAGE_EVENTS)[number], event.data) as unknown as Record<
    string,
    unknown
  >;
  const { id: _id, ...next } = project(row ?? emptyMyPage(id), event.type, data);
  if (row) await myPages.update(trx, id, next);
  else await myPages.insert(trx, { id, ...next });
}

export const updateMyPagePolicies: Record<string, Handler> = Object.fromEntries(
  MY_PAGE_EVENTS.map((type) => [type, updateMyPage]),
);
