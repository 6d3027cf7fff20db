/** The customerpage service (CQRS): the customer's rentals, fed only by events. */
import type { BaseConfig, ServiceContext, ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { customerpageRoutes } from './http.ts';
import { updateCustomerPage } from './policies/update-customer-page.ts';
import { type CustomerpageTables, migrations } from './resources.ts';

export type Context = ServiceContext<CustomerpageTables, BaseConfig>;

export const customerpageService: ServiceDefinition<CustomerpageTables> = {
  name: 'customerpage',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    customerpageRoutes(ctx);
    ctx.policies(updateCustomerPage);
  },
};
