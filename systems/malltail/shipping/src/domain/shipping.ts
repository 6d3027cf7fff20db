/**
 * Shipping (해외배송): the parcel's trip from the overseas shop to the customer's forwarding
 * warehouse (배대지). It starts when the order says so (OrderDeliveryStarted, requirement 5) and
 * completes when the parcel arrives there, leaving for the Korean address (requirement 9). Pure.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { EventPayloads, MalltailEvent } from '../../../events.ts';

export const SHIPPING_STATUSES = ['ShippingStarted', 'ShippingCompleted'] as const;
export type ShippingStatus = (typeof SHIPPING_STATUSES)[number];

export interface Shipping {
  readonly id: number;
  readonly orderNo: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
  readonly customerName: string | null;
  readonly customerAddress: string | null;
  readonly phoneNumber: string | null;
  readonly shippingStatus: ShippingStatus;
}

/** What the shipping service stores for a started shipment (its id comes from the database). */
export function startShipment(started: EventPayloads['OrderDeliveryStarted']): Omit<Shipping, 'id'> {
  const { orderId, itemNo, qty, customerId, customerName, customerAddress, phoneNumber } = started;
  return {
    orderNo: orderId,
    itemNo,
    qty,
    customerId,
    customerName,
    customerAddress,
    phoneNumber,
    shippingStatus: 'ShippingStarted',
  };
}

/** The parcel reached the forwarding warehouse. */
export function completeShipping(s: Shipping): Decision<Shipping, MalltailEvent> {
  if (s.shippingStatus === 'ShippingCompleted')
    return refuse(
      'SHIPPING.ALREADY_COMPLETED',
      `shipping ${s.id} has already arrived at the forwarding warehouse`,
    );
  const { id, orderNo, itemNo, qty, customerId, customerName, customerAddress, phoneNumber } = s;
  return accept({ ...s, shippingStatus: 'ShippingCompleted' }, [
    {
      type: 'ShippingCompleted',
      data: {
        id,
        orderId: orderNo,
        orderNo,
        itemNo,
        qty,
        customerId,
        customerName,
        customerAddress,
        phoneNumber,
        shippingStatus: 'ShippingCompleted',
      },
    },
  ]);
}
