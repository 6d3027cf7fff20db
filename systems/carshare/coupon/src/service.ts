/** The coupon service: offers a coupon for each delivered rental, reclaims it (sync, for the cancel saga). */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { couponRoutes } from './http.ts';
import { couponPolicies } from './policies/coupon-policies.ts';
import { type CouponTables, migrations } from './resources.ts';

export const couponService: ServiceDefinition<CouponTables> = {
  name: 'coupon',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    couponRoutes(ctx);
    ctx.policies(couponPolicies);
  },
};
