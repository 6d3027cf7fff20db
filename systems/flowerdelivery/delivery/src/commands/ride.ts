/** The rider's two actions: start and complete a delivery (load → decide → save, see decideOnRow). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Decision, decideOnRow, statusRowsOf } from '@bounded/service-kit';
import { type FlowerEvent, toNewEvent } from '../../../events.ts';
import { completeDelivery, type Delivery, startDelivery } from '../domain/delivery.ts';
import { type DeliveryTables, deliveries } from '../tables.ts';

export const riderActions = {
  start: startDelivery,
  complete: completeDelivery,
} satisfies Record<string, (d: Delivery) => Decision<Delivery, FlowerEvent>>;

export type RiderAction = keyof typeof riderActions;

/** Deliveries as rows: a rider's action changes only the status. */
export const deliveryRows = statusRowsOf<DeliveryTables, Delivery, FlowerEvent>(
  deliveries,
  'deliveryStatus',
  toNewEvent,
);

export function rideCommand(
  ctx: ServiceContext<DeliveryTables, BaseConfig>,
  id: number,
  action: RiderAction,
  traceparent?: string,
): Promise<Delivery> {
  return decideOnRow(ctx, deliveryRows, id, riderActions[action], traceparent);
}
