/** The customs officer's actions (approve, reject) and domestic delivery's completion. */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Decision, decideOnRow, statusRowsOf } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { approveCustoms, completeDelivery, type Delivery, rejectCustoms } from '../domain/delivery.ts';
import { type DeliveryTables, deliveries } from '../tables.ts';

export const deliveryActions = {
  approve: approveCustoms,
  reject: rejectCustoms,
  complete: completeDelivery,
} satisfies Record<string, (d: Delivery) => Decision<Delivery, MalltailEvent>>;

export type DeliveryAction = keyof typeof deliveryActions;

/** Deliveries as rows: customs and domestic delivery change only the status. */
const deliveryRows = statusRowsOf<DeliveryTables, Delivery, MalltailEvent>(
  deliveries,
  'deliveryStatus',
  toNewEvent,
);

/** Load → decide → save + events in one transaction (decideOnRow). */
export function deliveryCommand(
  ctx: ServiceContext<DeliveryTables, BaseConfig>,
  id: number,
  action: DeliveryAction,
  traceparent?: string,
): Promise<Delivery> {
  return decideOnRow(ctx, deliveryRows, id, deliveryActions[action], traceparent);
}
