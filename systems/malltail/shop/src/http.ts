/** The shop owner's list (requirement 3) and actions (4): accept or reject a paid order. */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { actionRoutes, resourceRoutes } from '@bounded/service-kit';
import { shopCommand } from './commands/decide.ts';
import { type ShopTables, shopManagements } from './tables.ts';

export function shopRoutes(ctx: ServiceContext<ShopTables, BaseConfig>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, shopManagements);
  // Spring-style PATCH of the status field, mapped onto the same two actions.
  actionRoutes(app, {
    path: shopManagements.path,
    actions: ['accept', 'reject'],
    statusField: 'deliveryStatus',
    actionOfStatus: { Accepted: 'accept', Rejected: 'reject' },
    run: (id, action, traceparent) => shopCommand(ctx, id, action, traceparent),
    resource: shopManagements.resource,
  });
}
