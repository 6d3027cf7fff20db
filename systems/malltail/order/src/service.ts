/** The order service: takes orders (paying synchronously), decides cancel vs shipping start, tracks the parcel. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { orderPlacing } from './commands/place-order.ts';
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
    const pay = calleeClient(ctx, 'pay');
    orderRoutes(ctx, orderPlacing(ctx, payOverHttp(pay)));
    ctx.policies(orderPolicies);
  },
};
