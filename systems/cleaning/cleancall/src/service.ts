/** cleancall: takes the customer's cleaning requests (registered with operations synchronously) and their cancels. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
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
    const cleanmanage = ctx.httpClient({
      name: 'cleanmanage',
      baseUrl: ctx.config.CLEANMANAGE_URL,
      timeoutMs: ctx.config.CLEANMANAGE_TIMEOUT_MS,
      breaker: {
        consecutiveFailures: ctx.config.CLEANMANAGE_BREAKER_FAILURES,
        halfOpenAfterMs: ctx.config.CLEANMANAGE_HALF_OPEN_MS,
      },
    });
    cleanCallRoutes(ctx, manageOverHttp(cleanmanage));
    ctx.policies(followAssignment);
  },
};
