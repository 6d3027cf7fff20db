import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { currentTraceparent, NotFoundError } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, LIMITS, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { changeStatusCommand, type StoreAction } from './commands/change-status.ts';
import type { StoreOrder } from './domain/store-order.ts';
import { type OrderManagementTables, toStoreOrder } from './tables.ts';

const PATH = '/ordermanagements';
const SORTABLE = ['id', 'orderId', 'orderStatus', 'storeName'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({ orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })) }),
]);

/** Spring-style PATCH of the status field, mapped onto the same store actions. */
const PatchBody = Type.Object({
  orderStatus: Type.Union([
    Type.Literal('OrderAccepted'),
    Type.Literal('Decorated'),
    Type.Literal('OrderRejected'),
  ]),
});
const ACTION_OF: Record<'OrderAccepted' | 'Decorated' | 'OrderRejected', StoreAction> = {
  OrderAccepted: 'accept',
  Decorated: 'decorate',
  OrderRejected: 'reject',
};

export function orderManagementRoutes(ctx: ServiceContext<OrderManagementTables, BaseConfig>): void {
  const { app } = ctx;
  const links = (order: StoreOrder) => ({
    accept: 'accept',
    decorate: 'decorate',
    reject: 'reject',
    order: `/orders/${order.orderId}`,
  });
  const resource = (base: string, order: StoreOrder) => halResource(base, PATH, order, links(order));

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const orderId = request.query.orderId;
    let query = ctx.store.db
      .selectFrom('ordermanagements')
      .selectAll()
      .limit(paging.size)
      .offset(paging.offset);
    let count = ctx.store.db.selectFrom('ordermanagements').select((eb) => eb.fn.countAll<number>().as('n'));
    if (orderId !== undefined) {
      query = query.where('orderId', '=', orderId);
      count = count.where('orderId', '=', orderId);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, toStoreOrder(row)));
    return hal(reply, 200, halCollection(base, PATH, 'ordermanagements', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('ordermanagements')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row)
      throw new NotFoundError('ORDERMANAGEMENT.NOT_FOUND', `ordermanagement ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), toStoreOrder(row)));
  });

  for (const action of ['accept', 'decorate', 'reject'] as const) {
    app.post(`${PATH}/:id/${action}`, { schema: { params: IdParams } }, async (request, reply) => {
      const order = await changeStatusCommand(ctx, request.params.id, action, currentTraceparent(request));
      return hal(reply, 200, resource(baseUrlOf(request), order));
    });
  }

  app.patch(`${PATH}/:id`, { schema: { params: IdParams, body: PatchBody } }, async (request, reply) => {
    const action = ACTION_OF[request.body.orderStatus];
    const order = await changeStatusCommand(ctx, request.params.id, action, currentTraceparent(request));
    return hal(reply, 200, resource(baseUrlOf(request), order));
  });
}
