import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes, statusActions } from '@bounded/service-kit';
import { toNewEvent } from '../../events.ts';
import { acceptOrder, decorate, rejectOrder } from './domain/store-order.ts';
import { type OrderManagementTables, storeCopies } from './tables.ts';

/** The store's orders (requirement 4) and its actions: accept, decorate, reject (5–7). */
export function orderManagementRoutes(ctx: ServiceContext<OrderManagementTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, storeCopies);
  statusActions(ctx, storeCopies, {
    status: 'orderStatus',
    actions: { accept: acceptOrder, decorate, reject: rejectOrder },
    actionOfStatus: { OrderAccepted: 'accept', Decorated: 'decorate', OrderRejected: 'reject' },
    toNewEvent,
  });
}
