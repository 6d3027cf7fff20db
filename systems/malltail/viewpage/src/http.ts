/** statusViews' routes: the declared view's list and get, scoped to the caller (see tables.ts). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes } from '@bounded/service-kit';
import { statusViews, type ViewPageTables } from './tables.ts';

export function statusViewRoutes(ctx: ServiceContext<ViewPageTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, statusViews);
}
