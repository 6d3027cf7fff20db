import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { actionRoutes, resourceRoutes } from '@bounded/service-kit';
import { rideCommand } from './commands/ride.ts';
import { type DeliveryTables, deliveries } from './tables.ts';

/** The rider's work list (requirement 8) and actions (9, 10). */
export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, deliveries);
  actionRoutes(app, {
    path: deliveries.path,
    actions: ['start', 'complete'],
    statusField: 'deliveryStatus',
    actionOfStatus: { DeliveryStarted: 'start', DeliveryCompleted: 'complete' },
    run: (id, action, traceparent) => rideCommand(ctx, id, action, traceparent),
    resource: deliveries.resource,
  });
}
