/** viewPage: the customer's view of each order's status, fed only by events (CQRS). */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { statusViewRoutes } from './http.ts';
import { updateStatusViewPolicies } from './policies/update-status-view.ts';
import { migrations, type ViewPageTables } from './tables.ts';

export const viewPageService: ServiceDefinition<ViewPageTables> = {
  name: 'viewpage',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    statusViewRoutes(ctx);
    ctx.policies(updateStatusViewPolicies);
  },
};
