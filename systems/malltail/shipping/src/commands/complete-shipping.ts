/** The forwarding warehouse reports the parcel's arrival: load → decide → save + event (decideOnRow). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { decideOnRow, statusRowsOf } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { completeShipping, type Shipping } from '../domain/shipping.ts';
import { type ShippingTables, shippings } from '../tables.ts';

/** Shipments as rows: the arrival changes only the status. */
const shippingRows = statusRowsOf<ShippingTables, Shipping, MalltailEvent>(
  shippings,
  'shippingStatus',
  toNewEvent,
);

export function completeShippingCommand(
  ctx: ServiceContext<ShippingTables, BaseConfig>,
  id: number,
  traceparent?: string,
): Promise<Shipping> {
  return decideOnRow(ctx, shippingRows, id, completeShipping, traceparent);
}
