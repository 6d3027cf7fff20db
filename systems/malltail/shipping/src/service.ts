/** The shipping service: overseas shipping to the forwarding warehouse. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { shippingRoutes } from './http.ts';
import { startShippingPolicies } from './policies/start-shipping.ts';
import { migrations, type ShippingTables } from './tables.ts';

export const shippingService: ServiceDefinition<ShippingTables> = {
  name: 'shipping',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    shippingRoutes(ctx);
    ctx.policies(startShippingPolicies);
  },
};
