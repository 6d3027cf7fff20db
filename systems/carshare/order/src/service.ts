/** The order service: takes rentals (paying synchronously) and follows them to their end. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
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
    const payment = ctx.httpClient({
      name: 'payment',
      baseUrl: ctx.config.PAYMENT_URL,
      timeoutMs: ctx.config.PAYMENT_TIMEOUT_MS,
      breaker: {
        consecutiveFailures: ctx.config.PAYMENT_BREAKER_FAILURES,
        halfOpenAfterMs: ctx.config.PAYMENT_HALF_OPEN_MS,
      },
    });
    orderRoutes(ctx, paymentOverHttp(payment));
    ctx.policies(followRental);
  },
};
