/** The customs list (requirement 9), the officer's decisions (10) and domestic delivery (11, 12). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes, statusActions } from '@bounded/service-kit';
import { toNewEvent } from '../../events.ts';
import { approveCustoms, completeDelivery, rejectCustoms } from './domain/delivery.ts';
import { type DeliveryTables, deliveries } from './tables.ts';

export function deliveryRoutes(ctx: ServiceContext<DeliveryTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, deliveries);
  statusActions(ctx, deliveries, {
    status: 'deliveryStatus',
    actions: { approve: approveCustoms, reject: rejectCustoms, complete: completeDelivery },
    actionOfStatus: { CustomsApproved: 'approve', CustomsRejected: 'reject', DeliveryCompleted: 'complete' },
    toNewEvent,
  });
}
