/**
 * A delivery service with a bug planted for the chaos tier's own test (never part of the system
 * map): its Decorated policy throws for every fourth order (a handler failing on a rare input), so
 * those events are parked and their deliveries never made. chaos-seeded-bug.test.ts runs the
 * system with this process in place of delivery's and expects the chaos check to say so.
 */
import { type ServiceDefinition, startService } from '@bounded/kernel';
import { deliveryService } from '../delivery/src/service.ts';
import type { DeliveryTables } from '../delivery/src/tables.ts';
import { orderIdOf } from '../events.ts';

type Handlers = Parameters<Parameters<typeof deliveryService.setup>[0]['policies']>[0];

function withPlantedBug(handlers: Handlers): Handlers {
  return {
    ...handlers,
    Decorated: async (event, trx, record) => {
      if (orderIdOf(event) % 4 === 0) throw new Error(`planted bug: order ${orderIdOf(event)}`);
      return handlers.Decorated(event, trx, record);
    },
  };
}

const planted: ServiceDefinition<DeliveryTables> = {
  ...deliveryService,
  setup: (ctx) =>
    deliveryService.setup({ ...ctx, policies: (handlers) => ctx.policies(withPlantedBug(handlers)) }),
};

await startService(planted);
