/** The customs list (requirement 9), the officer's decisions (10) and domestic delivery (11, 12). */
import { type BaseConfig, currentTraceparent, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { type DeliveryAction, deliveryCommand } from './commands/delivery-actions.ts';
import type { Delivery } from './domain/delivery.ts';
import { type DeliveryTables, toDelivery } from './tables.ts';

const PATH = '/deliveries';
const SORTABLE = ['id', 'orderNo', 'itemNo', 'deliveryStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderNo: Type.Optional(Type.Integer({ minimum: 1 })),
    deliveryStatus: Type.Optional(Type.String()),
  }),
]);
const PatchBody = Type.Object({
  deliveryStatus: Type.Union([
    Type.Literal('CustomsApproved'),
    Type.Literal('CustomsRejected'),
    Type.Literal('DeliveryCompleted'),
  ]),
});
const ACTION_OF: Record<'CustomsApproved' | 'CustomsRejected' | 'DeliveryCompleted', DeliveryAction> = {
  CustomsApproved: 'approve',
  CustomsRejected: 'reject',
  DeliveryCompleted: 'complete',
};

export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, d: Delivery) =>
    halResource(base, PATH, d, { approve: 'approve', reject: 'reject', complete: 'complete' }, 'delivery');

  app.get(PATH, { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { orderNo, deliveryStatus } = request.query;
    let query = ctx.store.db.selectFrom('deliveries').selectAll().limit(paging.size).offset(paging.offset);
    let count = ctx.store.db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n'));
    if (orderNo !== undefined) {
      query = query.where('orderNo', '=', orderNo);
      count = count.where('orderNo', '=', orderNo);
    }
    if (deliveryStatus !== undefined) {
      query = query.where('deliveryStatus', '=', deliveryStatus as Delivery['deliveryStatus']);
      count = count.where('deliveryStatus', '=', deliveryStatus as Delivery['deliveryStatus']);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    const items = rows.map((row) => resource(base, toDelivery(row)));
    return hal(reply, 200, halCollection(base, PATH, 'deliveries', items, page, { sort: paging.sort }));
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const row = await ctx.store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('DELIVERY.NOT_FOUND', `delivery ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), toDelivery(row)));
  });

  for (const action of ['approve', 'reject', 'complete'] as const) {
    app.post(`${PATH}/:id/${action}`, { schema: { params: IdParams } }, async (request, reply) => {
      const d = await deliveryCommand(ctx, request.params.id, action, currentTraceparent(request));
      return hal(reply, 200, resource(baseUrlOf(request), d));
    });
  }

  app.patch(`${PATH}/:id`, { schema: { params: IdParams, body: PatchBody } }, async (request, reply) => {
    const action = ACTION_OF[request.body.deliveryStatus];
    const d = await deliveryCommand(ctx, request.params.id, action, currentTraceparent(request));
    return hal(reply, 200, resource(baseUrlOf(request), d));
  });
}
