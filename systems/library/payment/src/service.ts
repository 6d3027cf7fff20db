/** The payment service: takes payments (sync, for rental) and refunds them on events. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { paymentConfig } from './config.ts';
import { paymentRoutes } from './http.ts';
import { refundPayment } from './policies/refund-payment.ts';
import { migrations, type PaymentTables } from './tables.ts';

export const paymentService: ServiceDefinition<PaymentTables, typeof paymentConfig> = {
  name: 'payment',
  topic: TOPIC,
  config: paymentConfig,
  migrations,
  setup(ctx) {
    paymentRoutes(ctx);
    ctx.policies(refundPayment);
  },
};
