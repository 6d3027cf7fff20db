/** The shop service: the shop owner's copy of each paid order, accepted or rejected. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { shopRoutes } from './http.ts';
import { shopOrders } from './policies/shop-orders.ts';
import { migrations, type ShopTables } from './tables.ts';

export const shopService: ServiceDefinition<ShopTables> = {
  name: 'shop',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    shopRoutes(ctx);
    ctx.policies(shopOrders);
  },
};
