import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes, statusActions } from '@bounded/service-kit';
import { toNewEvent } from '../../events.ts';
import { completeDelivery, startDelivery } from './domain/delivery.ts';
import { type DeliveryTables, deliveries } from './tables.ts';

/** The rider's work list (requirement 8) and actions (9, 10): start and complete a delivery. */
export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, deliveries);
  statusActions(ctx, deliveries, {
    status: 'deliveryStatus',
    actions: { start: startDelivery, complete: completeDelivery },
    actionOfStatus: { DeliveryStarted: 'start', DeliveryCompleted: 'complete' },
    toNewEvent,
  });
}
