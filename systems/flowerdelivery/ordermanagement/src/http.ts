import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { actionRoutes, resourceRoutes } from '@bounded/service-kit';
import { changeStatusCommand } from './commands/change-status.ts';
import { type OrderManagementTables, storeCopies } from './tables.ts';

/** The store's orders (requirement 4) and its actions: accept, decorate, reject (5–7). */
export function orderManagementRoutes(ctx: ServiceContext<OrderManagementTables, BaseConfig>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, storeCopies);
  actionRoutes(app, {
    path: storeCopies.path,
    actions: ['accept', 'decorate', 'reject'],
    statusField: 'orderStatus',
    actionOfStatus: { OrderAccepted: 'accept', Decorated: 'decorate', OrderRejected: 'reject' },
    run: (id, action, traceparent) => changeStatusCommand(ctx, id, action, traceparent),
    resource: storeCopies.resource,
  });
}
