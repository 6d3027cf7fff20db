/** The customs list (requirement 9), the officer's decisions (10) and domestic delivery (11, 12). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { actionRoutes, resourceRoutes } from '@bounded/service-kit';
import { deliveryCommand } from './commands/delivery-actions.ts';
import { type DeliveryTables, deliveries } from './tables.ts';

export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, deliveries);
  actionRoutes(app, {
    path: deliveries.path,
    actions: ['approve', 'reject', 'complete'],
    statusField: 'deliveryStatus',
    actionOfStatus: { CustomsApproved: 'approve', CustomsRejected: 'reject', DeliveryCompleted: 'complete' },
    run: (id, action, traceparent) => deliveryCommand(ctx, id, action, traceparent),
    resource: deliveries.resource,
  });
}
