/** A Delivery (배달): requested when the flowers are decorated, started and completed by a rider. Pure. */

import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { FlowerEvent, OrderLine } from '../../../events.ts';

export const DELIVERY_STATUSES = [
  'DeliveryRequested',
  'DeliveryStarted',
  'DeliveryCompleted',
  'DeliveryCancelled',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery extends OrderLine {
  readonly id: number;
  readonly deliveryStatus: DeliveryStatus;
}

export function request(id: number, line: OrderLine): Delivery {
  return { id, ...line, deliveryStatus: 'DeliveryRequested' };
}

function ended(d: Delivery): Decision<Delivery, FlowerEvent> | undefined {
  if (d.deliveryStatus === 'DeliveryCancelled')
    return refuse('DELIVERY.CANCELLED', `delivery ${d.id} was cancelled (order ${d.orderId} cancelled)`);
  if (d.deliveryStatus === 'DeliveryCompleted')
    return refuse('DELIVERY.ALREADY_COMPLETED', `delivery ${d.id} is already completed`);
  return undefined;
}

export function startDelivery(d: Delivery): Decision<Delivery, FlowerEvent> {
  const refused = ended(d);
  if (refused) return refused;
  if (d.deliveryStatus === 'DeliveryStarted')
    return refuse('DELIVERY.ALREADY_STARTED', `delivery ${d.id} has already started`);
  return accept({ ...d, deliveryStatus: 'DeliveryStarted' }, [
    { type: 'DeliveryStarted', data: { id: d.id, orderId: d.orderId, deliveryStatus: 'DeliveryStarted' } },
  ]);
}

export function completeDelivery(d: Delivery): Decision<Delivery, FlowerEvent> {
  const refused = ended(d);
  if (refused) return refused;
  if (d.deliveryStatus === 'DeliveryRequested')
    return refuse('DELIVERY.NOT_STARTED', `delivery ${d.id} must be started before it is completed`);
  return accept({ ...d, deliveryStatus: 'DeliveryCompleted' }, [
    {
      type: 'DeliveryCompleted',
      data: { id: d.id, orderId: d.orderId, deliveryStatus: 'DeliveryCompleted' },
    },
  ]);
}

/** The order was cancelled (or refunded): a delivery not yet on its way is called off. */
export function cancelDelivery(d: Delivery): Decision<Delivery, FlowerEvent> {
  if (d.deliveryStatus !== 'DeliveryRequested')
    return refuse(
      'DELIVERY.NOT_CANCELLABLE',
      `delivery ${d.id} is ${d.deliveryStatus} and cannot be cancelled`,
    );
  return accept({ ...d, deliveryStatus: 'DeliveryCancelled' }, [
    {
      type: 'DeliveryCancelled',
      data: { id: d.id, orderId: d.orderId, deliveryStatus: 'DeliveryCancelled' },
    },
  ]);
}
