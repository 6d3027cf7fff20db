/** The pay service: takes payments (sync, for order) and refunds them on events. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { payConfig } from './config.ts';
import { payRoutes } from './http.ts';
import { refundPayment } from './policies/refund-payment.ts';
import { migrations, type PayTables } from './tables.ts';

export const payService: ServiceDefinition<PayTables, typeof payConfig> = {
  name: 'pay',
  topic: TOPIC,
  config: payConfig,
  migrations,
  setup(ctx) {
    payRoutes(ctx);
    ctx.policies(refundPayment);
  },
};
