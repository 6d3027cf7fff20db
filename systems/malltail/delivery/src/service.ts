/** The delivery service: customs clearance and domestic delivery. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { deliveryRoutes } from './http.ts';
import { customsList } from './policies/customs-list.ts';
import { type DeliveryTables, migrations } from './tables.ts';

export const deliveryService: ServiceDefinition<DeliveryTables> = {
  name: 'delivery',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    deliveryRoutes(ctx);
    ctx.policies(customsList);
  },
};
