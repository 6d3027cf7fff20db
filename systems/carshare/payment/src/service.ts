/** The payment service: takes payments (sync, for order), cancels them (sync, for the cancel saga) and refunds unsaved rentals. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { paymentConfig } from './config.ts';
import { paymentRoutes } from './http.ts';
import { refundUnsavedRental } from './policies/refund-unsaved-rental.ts';
import { migrations, type PaymentTables } from './resources.ts';

export const paymentService: ServiceDefinition<PaymentTables, typeof paymentConfig> = {
  name: 'payment',
  topic: TOPIC,
  config: paymentConfig,
  migrations,
  setup(ctx) {
    paymentRoutes(ctx);
    ctx.policies(refundUnsavedRental);
  },
};
