/** MyPage's routes: the declared view's list and get, scoped to the caller (see tables.ts). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { resourceRoutes } from '@bounded/service-kit';
import { type MyPageTables, myPages } from './tables.ts';

export function myPageRoutes(ctx: ServiceContext<MyPageTables, BaseConfig>): void {
  resourceRoutes(ctx.app, ctx.store.db, myPages);
}
