/** cleanassign: the pool of cleaners; assigns the longest-idle one to each request, or none. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { registerDevCleaners } from './commands/register-cleaner.ts';
import { cleanAssignConfig } from './config.ts';
import { cleanAssignRoutes } from './http.ts';
import { assignCleaner } from './policies/assign-cleaner.ts';
import { type CleanAssignTables, migrations } from './tables.ts';

export const cleanAssignService: ServiceDefinition<CleanAssignTables, typeof cleanAssignConfig> = {
  name: 'cleanassign',
  topic: TOPIC,
  config: cleanAssignConfig,
  migrations,
  async setup(ctx) {
    if (ctx.config.DEV_CLEANERS) await registerDevCleaners(ctx);
    cleanAssignRoutes(ctx);
    ctx.policies(assignCleaner);
  },
};
