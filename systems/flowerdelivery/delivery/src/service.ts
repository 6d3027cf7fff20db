/** The rider's service: delivery requests, start, complete, and cancellation on order cancel. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { deliveryRoutes } from './http.ts';
import { deliveryRequests } from './policies/delivery-requests.ts';
import { type DeliveryTables, migrations } from './tables.ts';

export const deliveryService: ServiceDefinition<DeliveryTables> = {
  name: 'delivery',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    deliveryRoutes(ctx);
    ctx.policies(deliveryRequests);
  },
};
