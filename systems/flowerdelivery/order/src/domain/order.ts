/**
 * The Order aggregate: what the customer ordered and where it stands. Pure: the id and the
 * payment come from outside (the command), nothing here reads a clock or does I/O.
 */

import { accept, advance, type Caller, type Decision, type Rejection, refuse } from '@bounded/service-kit';
import type { FlowerEvent } from '../../../events.ts';

export const ORDER_STATUSES = [
  'Paid',
  'OrderAccepted',
  'Decorated',
  'DeliveryStarted',
  'DeliveryCompleted',
  'OrderCancelled',
  'OrderRejected',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_STATUSES = ['Paid', 'Refunded'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface Order {
  readonly id: number;
  readonly itemName: string;
  readonly qty: number;
  readonly itemPrice: number;
  readonly storeName: string;
  readonly userName: string;
  readonly orderStatus: OrderStatus;
  readonly paymentId: number;
  readonly paymentStatus: PaymentStatus;
}

export interface OrderRequest {
  readonly itemName: string;
  readonly qty: number;
  readonly itemPrice: number;
  readonly storeName: string;
  readonly userName: string;
}

/** Progress only moves forward; the two endings (cancelled, rejected) are final. */
const RANK: Record<OrderStatus, number> = {
  Paid: 1,
  OrderAccepted: 2,
  Decorated: 3,
  DeliveryStarted: 4,
  DeliveryCompleted: 5,
  OrderCancelled: 9,
  OrderRejected: 9,
};

/** Who an order is for, or why the caller may not order for the customer the body names. */
export type CustomerDecision =
  | { readonly ok: true; readonly userName: string }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * Whose order this is. Through the gateway the customer is the caller: the body may repeat the
 * caller's name or leave it out, never name someone else (an admin may order for anyone). A
 * direct call (no identity, see shared/caller.ts) names the customer in the body, as the seed does.
 */
export function customerFor(caller: Caller, named: string | undefined): CustomerDecision {
  if (caller.kind === 'direct') {
    return named
      ? { ok: true, userName: named }
      : { ok: false, rejection: { code: 'ORDER.CUSTOMER_REQUIRED', message: 'userName is required' } };
  }
  if (named === undefined || named === caller.name || caller.isAdmin) {
    return { ok: true, userName: named ?? caller.name };
  }
  return {
    ok: false,
    rejection: {
      code: 'ORDER.NOT_YOURS',
      message: `signed in as ${caller.name}, you cannot order for ${named}: leave userName out or send your own`,
    },
  };
}

/** An order exists only once it is paid: placing it needs the payment that went through. */
export function placeOrder(
  id: number,
  request: OrderRequest,
  paymentId: number,
): Decision<Order, FlowerEvent> {
  const order: Order = { id, ...request, orderStatus: 'Paid', paymentId, paymentStatus: 'Paid' };
  return accept(order, [{ type: 'Ordered', data: { id, orderId: id, ...request, orderStatus: 'Ordered' } }]);
}

export function cancelOrder(order: Order): Decision<Order, FlowerEvent> {
  switch (order.orderStatus) {
    case 'OrderCancelled':
      return refuse('ORDER.ALREADY_CANCELLED', `order ${order.id} is already cancelled`);
    case 'OrderRejected':
      return refuse('ORDER.REJECTED', `order ${order.id} was rejected by the store and cannot be cancelled`);
    case 'DeliveryStarted':
    case 'DeliveryCompleted':
      return refuse(
        'ORDER.DELIVERY_STARTED',
        `order ${order.id} cannot be cancelled: the rider has already started the delivery`,
      );
    default: {
      const cancelled: Order = { ...order, orderStatus: 'OrderCancelled' };
      const { id, itemName, qty, itemPrice, storeName, userName } = order;
      return accept(cancelled, [
        {
          type: 'OrderCancelled',
          data: {
            id,
            orderId: id,
            itemName,
            qty,
            itemPrice,
            storeName,
            userName,
            orderStatus: 'OrderCancelled',
          },
        },
      ]);
    }
  }
}

/** What the order learns from the store and the rider (requirement 13: status at any time). */
export function observeProgress(order: Order, status: OrderStatus): Order {
  return { ...order, orderStatus: advance(RANK, order.orderStatus, status) };
}

export function observeRefund(order: Order): Order {
  return { ...order, paymentStatus: 'Refunded' };
}
