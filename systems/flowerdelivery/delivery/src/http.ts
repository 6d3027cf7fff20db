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
import { deliveryRows, rideCommand } from './commands/ride.ts';
import type { Delivery } from './domain/delivery.ts';
import { type DeliveryTables, toDelivery } from './tables.ts';

const PATH = '/deliveries';
const SORTABLE = ['id', 'orderId', 'deliveryStatus'] as const;
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({
    orderId: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
    deliveryStatus: Type.Optional(Type.String()),
  }),
]);

/** The rider's work list (requirement 8) and actions (9, 10). */
export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  const { app } = ctx;
  const resource = (base: string, d: Delivery) =>
    halResource(base, PATH, d, { start: 'start', complete: 'complete' }, 'delivery');

  app.get(PATH, { schema: { querystring: ListQuery } }, (request, reply) => {
    const { orderId, deliveryStatus } = request.query;
    return replyHalList(ctx.store.db, request, reply, {
      table: 'deliveries',
      path: PATH,
      plural: 'deliveries',
      sortable: SORTABLE,
      filters: { orderId, deliveryStatus },
      resource: (base, row) => resource(base, toDelivery(row)),
    });
  });

  app.get(`${PATH}/:id`, { schema: { params: IdParams } }, async (request, reply) => {
    const d = await loadOrThrow(deliveryRows, ctx.store.db, request.params.id);
    return hal(reply, 200, resource(baseUrlOf(request), d));
  });

  actionRoutes(app, {
    path: PATH,
    actions: ['start', 'complete'],
    statusField: 'deliveryStatus',
    actionOfStatus: { DeliveryStarted: 'start', DeliveryCompleted: 'complete' },
    run: (id, action, traceparent) => rideCommand(ctx, id, action, traceparent),
    resource,
  });
}
