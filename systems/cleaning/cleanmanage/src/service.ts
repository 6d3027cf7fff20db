/** cleanmanage: operations' record of every cleaning request; asks cleanassign for a cleaner. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { cleanManageConfig } from './config.ts';
import { cleanManageRoutes } from './http.ts';
import { followRequest } from './policies/follow-request.ts';
import { type CleanManageTables, migrations } from './tables.ts';

export const cleanManageService: ServiceDefinition<CleanManageTables, typeof cleanManageConfig> = {
  name: 'cleanmanage',
  topic: TOPIC,
  config: cleanManageConfig,
  migrations,
  setup(ctx) {
    cleanManageRoutes(ctx);
    ctx.policies(followRequest);
  },
};
