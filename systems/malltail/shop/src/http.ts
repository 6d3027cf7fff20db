/** The shop owner's list (requirement 3) and actions (4): accept or reject a paid order. */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { baseUrlOf, halResource } from '@bounded/rest';
import {
  actionRoutes,
  hal,
  IdParams,
  LIMITS,
  loadOrThrow,
  PagingQuery,
  replyHalList,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { shopCommand, shopManagementRows } from './commands/decide.ts';
import type { ShopManagement } from './domain/shop-management.ts';
import { type ShopTables, toShopManagement } from './tables.ts';

const PATH = '/shopManagements';
const SORTABLE = ['id', 'orderNo', 'itemNo', 'deliveryStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderNo: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    deliveryStatus: Type.Optional(Type.String()),
  }),
]);

export function shopRoutes(ctx: ServiceContext<ShopTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, s: ShopManagement) =>
    halResource(base, PATH, s, { accept: 'accept', reject: 'reject', order: `/orders/${s.orderNo}` });

  app.get(PATH, { schema: { querystring: ListQuery } }, (request, reply) => {
    const { orderNo, deliveryStatus } = request.query;
    return replyHalList(ctx.store.db, request, reply, {
      table: 'shop_managements',
      path: PATH,
      plural: 'shopManagements',
      sortable: SORTABLE,
      filters: { orderNo, deliveryStatus },
      resource: (base, row) => resource(base, toShopManagement(row)),
    });
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const s = await loadOrThrow(shopManagementRows, ctx.store.db, request.params.id);
    return hal(reply, 200, resource(baseUrlOf(request), s));
  });

  // Spring-style PATCH of the status field, mapped onto the same two actions.
  actionRoutes(app, {
    path: PATH,
    actions: ['accept', 'reject'],
    statusField: 'deliveryStatus',
    actionOfStatus: { Accepted: 'accept', Rejected: 'reject' },
    run: (id, action, traceparent) => shopCommand(ctx, id, action, traceparent),
    resource,
  });
}
