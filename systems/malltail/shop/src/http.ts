/** The shop owner's list (requirement 3) and actions (4): accept or reject a paid order. */
import { type BaseConfig, currentTraceparent, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { type ShopAction, shopCommand } from './commands/decide.ts';
import type { ShopManagement } from './domain/shop-management.ts';
import { type ShopTables, toShopManagement } from './tables.ts';

const PATH = '/shopManagements';
const SORTABLE = ['id', 'orderNo', 'itemNo', 'deliveryStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderNo: Type.Optional(Type.Integer({ minimum: 1 })),
    deliveryStatus: Type.Optional(Type.String()),
  }),
]);
/** Spring-style PATCH of the status field, mapped onto the same two actions. */
const PatchBody = Type.Object({
  deliveryStatus: Type.Union([Type.Literal('Accepted'), Type.Literal('Rejected')]),
});
const ACTION_OF: Record<'Accepted' | 'Rejected', ShopAction> = { Accepted: 'accept', Rejected: 'reject' };

export function shopRoutes(ctx: ServiceContext<ShopTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, s: ShopManagement) =>
    halResource(base, PATH, s, { accept: 'accept', reject: 'reject', order: `/orders/${s.orderNo}` });

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { orderNo, deliveryStatus } = request.query;
    let query = ctx.store.db
      .selectFrom('shop_managements')
      .selectAll()
      .limit(paging.size)
      .offset(paging.offset);
    let count = ctx.store.db.selectFrom('shop_managements').select((eb) => eb.fn.countAll<number>().as('n'));
    if (orderNo !== undefined) {
      query = query.where('orderNo', '=', orderNo);
      count = count.where('orderNo', '=', orderNo);
    }
    if (deliveryStatus !== undefined) {
      query = query.where('deliveryStatus', '=', deliveryStatus as ShopManagement['deliveryStatus']);
      count = count.where('deliveryStatus', '=', deliveryStatus as ShopManagement['deliveryStatus']);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, toShopManagement(row)));
    return hal(reply, 200, halCollection(base, PATH, 'shopManagements', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('shop_managements')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('SHOP.NOT_FOUND', `shopManagement ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), toShopManagement(row)));
  });

  for (const action of ['accept', 'reject'] as const) {
    app.post(`${PATH}/:id/${action}`, { schema: { params: IdParams } }, async (request, reply) => {
      const s = await shopCommand(ctx, request.params.id, action, currentTraceparent(request));
      return hal(reply, 200, resource(baseUrlOf(request), s));
    });
  }

  app.patch(`${PATH}/:id`, { schema: { params: IdParams, body: PatchBody } }, async (request, reply) => {
    const action = ACTION_OF[request.body.deliveryStatus];
    const s = await shopCommand(ctx, request.params.id, action, currentTraceparent(request));
    return hal(reply, 200, resource(baseUrlOf(request), s));
  });
}
