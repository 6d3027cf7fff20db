/** The customer page's routes: read only (customers see their own rentals, operators all). */
import { resourceRoutes } from '@bounded/service-kit';
import { customerpages } from './resources.ts';
import type { Context } from './service.ts';

export function customerpageRoutes(ctx: Context): void {
  resourceRoutes(ctx.app, ctx.store.db, customerpages);
}
