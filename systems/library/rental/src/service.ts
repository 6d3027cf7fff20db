/** The rental service: takes reservations (paying synchronously), the member's requests, and the book's rejections. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { reservations } from './commands/reserve.ts';
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
    const payment = calleeClient(ctx, 'payment');
    rentalRoutes(ctx, reservations(ctx, paymentOverHttp(payment)));
    ctx.policies(settleRejection);
  },
};
