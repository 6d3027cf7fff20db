/** The shipping list and the warehouse's one action: the parcel arrived (requirement 9). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes, statusActions } from '@bounded/service-kit';
import { toNewEvent } from '../../events.ts';
import { completeShipping } from './domain/shipping.ts';
import { type ShippingTables, shippings } from './tables.ts';

export function shippingRoutes(ctx: ServiceContext<ShippingTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, shippings);
  // POST …/complete, or the Spring-style PATCH of the status field to ShippingCompleted.
  statusActions(ctx, shippings, {
    status: 'shippingStatus',
    actions: { complete: completeShipping },
    actionOfStatus: { ShippingCompleted: 'complete' },
    toNewEvent,
  });
}
