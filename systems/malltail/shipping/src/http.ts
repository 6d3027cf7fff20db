/** The shipping list and the warehouse's one action: the parcel arrived (requirement 9). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { actionRoutes, resourceRoutes } from '@bounded/service-kit';
import { completeShippingCommand } from './commands/complete-shipping.ts';
import { type ShippingTables, shippings } from './tables.ts';

export function shippingRoutes(ctx: ServiceContext<ShippingTables, BaseConfig>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, shippings);
  // POST …/complete, or the Spring-style PATCH of the status field to ShippingCompleted.
  actionRoutes(app, {
    path: shippings.path,
    actions: ['complete'],
    statusField: 'shippingStatus',
    actionOfStatus: { ShippingCompleted: 'complete' },
    run: (id, _action, traceparent) => completeShippingCommand(ctx, id, traceparent),
    resource: shippings.resource,
  });
}
