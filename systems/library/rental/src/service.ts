/** The rental service: takes reservations (paying synchronously), the member's requests, and the book's rejections. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { rentalConfig } from './config.ts';
import { rentalRoutes } from './http.ts';
import { paymentOverHttp } from './payment-port.ts';
import { settleRejection } from './policies/settle-rejection.ts';
import { migrations, type RentalTables } from './tables.ts';

export const rentalService: ServiceDefinition<RentalTables, typeof rentalConfig> = {
  name: 'rental',
  topic: TOPIC,
  config: rentalConfig,
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
    rentalRoutes(ctx, paymentOverHttp(payment));
    ctx.policies(settleRejection);
  },
};
