/** The store owner's service: receives paid orders, accepts, decorates or rejects them. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { orderManagementRoutes } from './http.ts';
import { storeOrders } from './policies/store-orders.ts';
import { migrations, type OrderManagementTables } from './tables.ts';

export const orderManagementService: ServiceDefinition<OrderManagementTables> = {
  name: 'ordermanagement',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    orderManagementRoutes(ctx);
    ctx.policies(storeOrders);
  },
};
