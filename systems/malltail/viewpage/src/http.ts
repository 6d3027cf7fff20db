/**
 * statusViews' routes. Through the gateway a customer sees only the rows of their own orders
 * (another's row answers 404 like a missing one), an admin sees all; a direct loopback call (no
 * identity headers) sees all, as the seed's view did.
 */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { callerOf, hal, IdParams, LIMITS, mayAccess, ownerScope, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { toStatusView, type ViewPageTables } from './tables.ts';

const PATH = '/statusViews';
const SORTABLE = ['id', 'orderNo', 'orderStatus', 'customerId'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    customerId: Type.Optional(Type.String()),
    orderNo: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
  }),
]);

export function statusViewRoutes(ctx: ServiceContext<ViewPageTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, row: ReturnType<typeof toStatusView>) =>
    halResource(base, PATH, row, { order: `/orders/${row.orderNo}` }, 'statusView');

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { customerId, orderNo } = request.query;
    const owner = ownerScope(callerOf(request));
    let query = ctx.store.db.selectFrom('status_views').selectAll().limit(paging.size).offset(paging.offset);
    let count = ctx.store.db.selectFrom('status_views').select((eb) => eb.fn.countAll<number>().as('n'));
    // ?customerId= narrows within what the caller may see; it never widens a customer's view.
    if (owner !== undefined) {
      query = query.where('customerId', '=', owner);
      count = count.where('customerId', '=', owner);
    }
    if (customerId !== undefined) {
      query = query.where('customerId', '=', customerId);
      count = count.where('customerId', '=', customerId);
    }
    if (orderNo !== undefined) {
      query = query.where('orderNo', '=', orderNo);
      count = count.where('orderNo', '=', orderNo);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, toStatusView(row)));
    return hal(reply, 200, halCollection(base, PATH, 'statusViews', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('status_views')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row || !mayAccess(callerOf(request), row.customerId))
      throw new NotFoundError('STATUSVIEW.NOT_FOUND', `statusView ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), toStatusView(row)));
  });
}
