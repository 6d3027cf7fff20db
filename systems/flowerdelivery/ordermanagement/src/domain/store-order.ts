/**
 * The store's copy of an order (꽃상점): received when paid, then accepted and decorated, or
 * rejected when flowers or materials run out. Pure.
 */

import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { FlowerEvent, OrderLine } from '../../../events.ts';

export const STORE_ORDER_STATUSES = [
  'Received',
  'OrderAccepted',
  'Decorated',
  'OrderRejected',
  'OrderCancelled',
] as const;
export type StoreOrderStatus = (typeof STORE_ORDER_STATUSES)[number];

export interface StoreOrder extends OrderLine {
  readonly id: number;
  readonly orderStatus: StoreOrderStatus;
}

export function receive(id: number, line: OrderLine): StoreOrder {
  return { id, ...line, orderStatus: 'Received' };
}

function closed(order: StoreOrder): Decision<StoreOrder, FlowerEvent> | undefined {
  if (order.orderStatus === 'OrderCancelled')
    return refuse('ORDERMANAGEMENT.CANCELLED', `order ${order.orderId} was cancelled by the customer`);
  if (order.orderStatus === 'OrderRejected')
    return refuse('ORDERMANAGEMENT.REJECTED', `order ${order.orderId} was already rejected`);
  return undefined;
}

function moved(
  order: StoreOrder,
  to: 'OrderAccepted' | 'Decorated' | 'OrderRejected',
): Decision<StoreOrder, FlowerEvent> {
  const { id, orderId, itemName, qty, itemPrice, storeName, userName } = order;
  const line = { id, orderId, itemName, qty, itemPrice, storeName, userName };
  const event: FlowerEvent =
    to === 'OrderAccepted'
      ? { type: to, data: { ...line, orderStatus: to } }
      : to === 'Decorated'
        ? { type: to, data: { ...line, orderStatus: to } }
        : { type: to, data: { ...line, orderStatus: to } };
  return accept({ ...order, orderStatus: to }, [event]);
}

export function acceptOrder(order: StoreOrder): Decision<StoreOrder, FlowerEvent> {
  const refused = closed(order);
  if (refused) return refused;
  if (order.orderStatus !== 'Received')
    return refuse('ORDERMANAGEMENT.ALREADY_ACCEPTED', `order ${order.orderId} is already accepted`);
  return moved(order, 'OrderAccepted');
}

export function decorate(order: StoreOrder): Decision<StoreOrder, FlowerEvent> {
  const refused = closed(order);
  if (refused) return refused;
  if (order.orderStatus === 'Received')
    return refuse(
      'ORDERMANAGEMENT.NOT_ACCEPTED',
      `order ${order.orderId} must be accepted before decorating`,
    );
  if (order.orderStatus === 'Decorated')
    return refuse('ORDERMANAGEMENT.ALREADY_DECORATED', `order ${order.orderId} is already decorated`);
  return moved(order, 'Decorated');
}

export function rejectOrder(order: StoreOrder): Decision<StoreOrder, FlowerEvent> {
  const refused = closed(order);
  if (refused) return refused;
  if (order.orderStatus === 'Decorated')
    return refuse(
      'ORDERMANAGEMENT.ALREADY_DECORATED',
      `order ${order.orderId} is decorated and can no longer be rejected`,
    );
  return moved(order, 'OrderRejected');
}

/** The customer cancelled or the payment was refunded: the store stops working on it. */
export function cancelByCustomer(order: StoreOrder): StoreOrder {
  return closed(order) ? order : { ...order, orderStatus: 'OrderCancelled' };
}
