/**
 * MyPage's routes: the declared resource's reads. A member sees only the rows of their own
 * rentals (another's answers 404 like a missing one), staff and direct calls see all.
 */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes } from '@bounded/service-kit';
import { type MyPageTables, myPages } from './tables.ts';

export function myPageRoutes(ctx: ServiceContext<MyPageTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, myPages);
}
