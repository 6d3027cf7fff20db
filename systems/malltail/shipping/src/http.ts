/** The shipping list and the warehouse's one action: the parcel arrived (requirement 9). */
import { type BaseConfig, currentTraceparent, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, LIMITS, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { completeShippingCommand } from './commands/complete-shipping.ts';
import type { Shipping } from './domain/shipping.ts';
import { type ShippingTables, toShipping } from './tables.ts';

const PATH = '/shippings';
const SORTABLE = ['id', 'orderNo', 'itemNo', 'shippingStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderNo: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    shippingStatus: Type.Optional(Type.String()),
  }),
]);
const PatchBody = Type.Object({ shippingStatus: Type.Literal('ShippingCompleted') });

export function shippingRoutes(ctx: ServiceContext<ShippingTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, s: Shipping) =>
    halResource(base, PATH, s, { complete: 'complete', order: `/orders/${s.orderNo}` });

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { orderNo, shippingStatus } = request.query;
    let query = ctx.store.db.selectFrom('shippings').selectAll().limit(paging.size).offset(paging.offset);
    let count = ctx.store.db.selectFrom('shippings').select((eb) => eb.fn.countAll<number>().as('n'));
    if (orderNo !== undefined) {
      query = query.where('orderNo', '=', orderNo);
      count = count.where('orderNo', '=', orderNo);
    }
    if (shippingStatus !== undefined) {
      query = query.where('shippingStatus', '=', shippingStatus as Shipping['shippingStatus']);
      count = count.where('shippingStatus', '=', shippingStatus as Shipping['shippingStatus']);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, toShipping(row)));
    return hal(reply, 200, halCollection(base, PATH, 'shippings', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('shippings')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('SHIPPING.NOT_FOUND', `shipping ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), toShipping(row)));
  });

  app.post(`${PATH}/:id/complete`, { schema: { params: IdParams } }, async (request, reply) => {
    const s = await completeShippingCommand(ctx, request.params.id, currentTraceparent(request));
    return hal(reply, 200, resource(baseUrlOf(request), s));
  });

  app.patch(`${PATH}/:id`, { schema: { params: IdParams, body: PatchBody } }, async (request, reply) => {
    const s = await completeShippingCommand(ctx, request.params.id, currentTraceparent(request));
    return hal(reply, 200, resource(baseUrlOf(request), s));
  });
}
