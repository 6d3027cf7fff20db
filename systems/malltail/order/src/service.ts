/** The order service: takes orders (paying synchronously), decides cancel vs shipping start, tracks the parcel. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { orderConfig } from './config.ts';
import { orderRoutes } from './http.ts';
import { payOverHttp } from './pay-port.ts';
import { orderPolicies } from './policies/order-policies.ts';
import { migrations, type OrderTables } from './tables.ts';

export const orderService: ServiceDefinition<OrderTables, typeof orderConfig> = {
  name: 'order',
  topic: TOPIC,
  config: orderConfig,
  migrations,
  setup(ctx) {
    const pay = ctx.httpClient({
      name: 'pay',
      baseUrl: ctx.config.PAY_URL,
      timeoutMs: ctx.config.PAY_TIMEOUT_MS,
      breaker: {
        consecutiveFailures: ctx.config.PAY_BREAKER_FAILURES,
        halfOpenAfterMs: ctx.config.PAY_HALF_OPEN_MS,
      },
    });
    orderRoutes(ctx, payOverHttp(pay));
    ctx.policies(orderPolicies);
  },
};
