/** The order service: takes rentals (paying synchronously) and follows them to their end. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { rentalPlacing } from './commands/place-rental.ts';
import { orderConfig } from './config.ts';
import { orderRoutes } from './http.ts';
import { paymentOverHttp } from './payment-port.ts';
import { followRental } from './policies/follow-rental.ts';
import { migrations, type OrderTables } from './resources.ts';

export const orderService: ServiceDefinition<OrderTables, typeof orderConfig> = {
  name: 'order',
  topic: TOPIC,
  config: orderConfig,
  migrations,
  setup(ctx) {
    const payment = calleeClient(ctx, 'payment');
    orderRoutes(ctx, rentalPlacing(ctx, paymentOverHttp(payment)));
    ctx.policies(followRental);
  },
};
