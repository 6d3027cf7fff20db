/**
 * Delivery (통관 + 국내배송): a parcel that left the forwarding warehouse joins the customs list
 * (requirement 9); the customs officer approves or rejects it (10); approved, domestic delivery
 * proceeds to completion (11); rejected, it is disposed of — the customer's fault, so the order
 * ends cancelled with no refund (12). Pure.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { EventPayloads, MalltailEvent } from '../../../events.ts';

export const DELIVERY_STATUSES = [
  'CustomsPending',
  'CustomsApproved',
  'Disposed',
  'DeliveryCompleted',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface Delivery {
  readonly id: number;
  readonly orderNo: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly customerAddress: string | null;
  readonly phoneNumber: string | null;
  readonly deliveryStatus: DeliveryStatus;
}

type DeliveryDecision = Decision<Delivery, MalltailEvent>;

/** The parcel arrived in Korea: on the customs list. */
export function addToCustomsList(shipped: EventPayloads['ShippingCompleted']): Omit<Delivery, 'id'> {
  const { orderId, itemNo, qty, customerId, customerName, customerAddress, phoneNumber } = shipped;
  return {
    orderNo: orderId,
    itemNo,
    qty,
    customerId,
    customerName,
    customerAddress,
    phoneNumber,
    deliveryStatus: 'CustomsPending',
  };
}

function notPending(d: Delivery): DeliveryDecision | undefined {
  if (d.deliveryStatus === 'CustomsPending') return undefined;
  return refuse('DELIVERY.CUSTOMS_DECIDED', `delivery ${d.id} is already past customs (${d.deliveryStatus})`);
}

export function approveCustoms(d: Delivery): DeliveryDecision {
  const refused = notPending(d);
  if (refused) return refused;
  return accept({ ...d, deliveryStatus: 'CustomsApproved' }, [
    {
      type: 'CustomsApproved',
      data: { id: d.id, orderId: d.orderNo, orderNo: d.orderNo, deliveryStatus: 'CustomsApproved' },
    },
  ]);
}

export function rejectCustoms(d: Delivery): DeliveryDecision {
  const refused = notPending(d);
  if (refused) return refused;
  return accept({ ...d, deliveryStatus: 'Disposed' }, [
    {
      type: 'CustomsRejected',
      data: { id: d.id, orderId: d.orderNo, orderNo: d.orderNo, deliveryStatus: 'Disposed' },
    },
  ]);
}

export function completeDelivery(d: Delivery): DeliveryDecision {
  if (d.deliveryStatus === 'CustomsPending')
    return refuse(
      'DELIVERY.NOT_CLEARED',
      `delivery ${d.id} must be cleared by customs before it is delivered`,
    );
  if (d.deliveryStatus === 'Disposed')
    return refuse('DELIVERY.DISPOSED', `delivery ${d.id} was rejected by customs and disposed of`);
  if (d.deliveryStatus === 'DeliveryCompleted')
    return refuse('DELIVERY.ALREADY_COMPLETED', `delivery ${d.id} is already completed`);
  return accept({ ...d, deliveryStatus: 'DeliveryCompleted' }, [
    {
      type: 'DeliveryCompleted',
      data: { id: d.id, orderId: d.orderNo, orderNo: d.orderNo, deliveryStatus: 'DeliveryCompleted' },
    },
  ]);
}
