/** cleancall: takes the customer's cleaning requests (registered with operations synchronously) and their cancels. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { cleaningRequests } from './commands/request-cleaning.ts';
import { cleanCallConfig } from './config.ts';
import { cleanCallRoutes } from './http.ts';
import { manageOverHttp } from './manage-port.ts';
import { followAssignment } from './policies/follow-assignment.ts';
import { type CleanCallTables, migrations } from './tables.ts';

export const cleanCallService: ServiceDefinition<CleanCallTables, typeof cleanCallConfig> = {
  name: 'cleancall',
  topic: TOPIC,
  config: cleanCallConfig,
  migrations,
  setup(ctx) {
    const cleanmanage = calleeClient(ctx, 'cleanmanage');
    cleanCallRoutes(ctx, cleaningRequests(ctx, manageOverHttp(cleanmanage)));
    ctx.policies(followAssignment);
  },
};
