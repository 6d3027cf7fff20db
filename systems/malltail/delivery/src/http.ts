/** The customs list (requirement 9), the officer's decisions (10) and domestic delivery (11, 12). */
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
import { deliveryCommand, deliveryRows } from './commands/delivery-actions.ts';
import type { Delivery } from './domain/delivery.ts';
import { type DeliveryTables, toDelivery } from './tables.ts';

const PATH = '/deliveries';
const SORTABLE = ['id', 'orderNo', 'itemNo', 'deliveryStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderNo: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    deliveryStatus: Type.Optional(Type.String()),
  }),
]);

export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, d: Delivery) =>
    halResource(base, PATH, d, { approve: 'approve', reject: 'reject', complete: 'complete' }, 'delivery');

  app.get(PATH, { schema: { querystring: ListQuery } }, (request, reply) => {
    const { orderNo, deliveryStatus } = request.query;
    return replyHalList(ctx.store.db, request, reply, {
      table: 'deliveries',
      path: PATH,
      plural: 'deliveries',
      sortable: SORTABLE,
      filters: { orderNo, deliveryStatus },
      resource: (base, row) => resource(base, toDelivery(row)),
    });
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const d = await loadOrThrow(deliveryRows, ctx.store.db, request.params.id);
    return hal(reply, 200, resource(baseUrlOf(request), d));
  });

  actionRoutes(app, {
    path: PATH,
    actions: ['approve', 'reject', 'complete'],
    statusField: 'deliveryStatus',
    actionOfStatus: { CustomsApproved: 'approve', CustomsRejected: 'reject', DeliveryCompleted: 'complete' },
    run: (id, action, traceparent) => deliveryCommand(ctx, id, action, traceparent),
    resource,
  });
}
