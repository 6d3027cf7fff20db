/** The delivery service: brings paid rentals' cars, and runs the customer's cancel saga. */
import type { ServiceDefinition } from '@bounded/kernel';
import { calleeClient, sagaRunner } from '@bounded/service-kit';
import { TOPIC } from '../../system.ts';
import { cancelRentalSaga } from './commands/cancel-rental.ts';
import { deliveryConfig } from './config.ts';
import { deliveryRoutes } from './http.ts';
import { deliveryPolicies } from './policies/delivery-policies.ts';
import { couponOverHttp, paymentOverHttp } from './ports.ts';
import { type DeliveryTables, migrations } from './resources.ts';

export const deliveryService: ServiceDefinition<DeliveryTables, typeof deliveryConfig> = {
  name: 'delivery',
  topic: TOPIC,
  config: deliveryConfig,
  migrations,
  setup(ctx) {
    const { config } = ctx;
    const coupon = calleeClient(ctx, 'coupon');
    const payment = calleeClient(ctx, 'payment');
    // Cancels left unfinished by a crash or a step in doubt are resumed from the saga's rows.
    const sagas = sagaRunner(ctx, { leaseMs: config.SAGA_LEASE_MS, resumeEveryMs: config.SAGA_RESUME_MS });
    const cancelRental = cancelRentalSaga(sagas, couponOverHttp(coupon), paymentOverHttp(payment));
    deliveryRoutes(ctx, cancelRental);
    ctx.policies(deliveryPolicies);
  },
};
