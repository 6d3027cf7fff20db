/** The order service: takes orders (paying synchronously) and tracks them to the door. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { orderPlacing } from './commands/place-order.ts';
import { orderConfig } from './config.ts';
import { orderRoutes } from './http.ts';
import { paymentOverHttp } from './payment-port.ts';
import { trackProgress } from './policies/track-progress.ts';
import { migrations, type OrderTables } from './tables.ts';

export const orderService: ServiceDefinition<OrderTables, typeof orderConfig> = {
  name: 'order',
  topic: TOPIC,
  config: orderConfig,
  migrations,
  setup(ctx) {
    const payment = calleeClient(ctx, 'payment');
    orderRoutes(ctx, orderPlacing(ctx, paymentOverHttp(payment)));
    ctx.policies(trackProgress);
  },
};
