/** The shop owner's list (requirement 3) and actions (4): accept or reject a paid order. */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes, statusActions } from '@bounded/service-kit';
import { toNewEvent } from '../../events.ts';
import { acceptOrder, rejectOrder } from './domain/shop-management.ts';
import { type ShopTables, shopManagements } from './tables.ts';

export function shopRoutes(ctx: ServiceContext<ShopTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, shopManagements);
  // POST …/accept|reject, or the Spring-style PATCH of the status field to the same two actions.
  statusActions(ctx, shopManagements, {
    status: 'deliveryStatus',
    actions: { accept: acceptOrder, reject: rejectOrder },
    actionOfStatus: { Accepted: 'accept', Rejected: 'reject' },
    toNewEvent,
  });
}
