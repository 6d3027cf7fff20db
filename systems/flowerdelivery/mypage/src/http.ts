/**
 * MyPage's routes. The caller (shared/caller.ts) decides which rows a request sees: through the
 * gateway a customer sees only the rows of their own orders (another's row answers 404 like a
 * missing one), an admin sees all; a direct loopback call (no identity headers) sees all, as the
 * seed's view did.
 */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { callerOf, hal, IdParams, LIMITS, mayAccess, ownerScope, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import type { Selectable } from 'kysely';
import type { MyPageTables } from './tables.ts';

const PATH = '/myPages';
const SORTABLE = ['id', 'orderId', 'orderStatus', 'deliveryStatus', 'userName'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    userName: Type.Optional(Type.String()),
    orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
  }),
]);

type Row = Selectable<MyPageTables['my_pages']>;
const view = (row: Row) => ({
  ...row,
  id: Number(row.id),
  orderId: Number(row.orderId),
  itemPrice: row.itemPrice === null ? null : Number(row.itemPrice),
});

export function myPageRoutes(ctx: ServiceContext<MyPageTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, row: Row) => halResource(base, PATH, view(row), {}, 'myPage');

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { userName, orderId } = request.query;
    const owner = ownerScope(callerOf(request));
    let query = ctx.store.db.selectFrom('my_pages').selectAll().limit(paging.size).offset(paging.offset);
    let count = ctx.store.db.selectFrom('my_pages').select((eb) => eb.fn.countAll<number>().as('n'));
    // ?userName= narrows within what the caller may see; it never widens a customer's view.
    if (owner !== undefined) {
      query = query.where('userName', '=', owner);
      count = count.where('userName', '=', owner);
    }
    if (userName !== undefined) {
      query = query.where('userName', '=', userName);
      count = count.where('userName', '=', userName);
    }
    if (orderId !== undefined) {
      query = query.where('orderId', '=', orderId);
      count = count.where('orderId', '=', orderId);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, row));
    return hal(reply, 200, halCollection(base, PATH, 'myPages', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('my_pages')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row || !mayAccess(callerOf(request), row.userName))
      throw new NotFoundError('MYPAGE.NOT_FOUND', `myPage ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), row));
  });
}
