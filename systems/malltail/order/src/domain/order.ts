/**
 * The Order aggregate: what the customer ordered, where it stands, and — the one rule that needs
 * a single source of truth — whether it may still be cancelled. Pure: ids, the payment and the
 * clock (`at`, an ISO time) come from the command; nothing here reads a clock or does I/O.
 *
 * WHERE THE TRUTH ABOUT "SHIPPING STARTED" LIVES (requirement 7: a cancel and a shipping start
 * racing each other can never both win). The order decides both, on its own row:
 *  - the shop owner's accept (shop service) only says "I can ship it" (OrderAccepted);
 *  - the order turns that into the start of overseas shipping (startShipping below, emitting
 *    the seed's OrderDeliveryStarted that the shipping service follows) in its own transaction;
 *  - the customer's cancel (cancelOrder) is decided in a transaction on the same row.
 * Both transactions are serialized by the order's database (SQLite: BEGIN IMMEDIATE; on
 * PostgreSQL/MySQL the second writer of the row waits for the first), and each re-reads the row
 * before deciding, so exactly one of them sees the other's result: a cancel that commits first
 * makes the later startShipping a no-op (no OrderDeliveryStarted, the shipping never exists);
 * a start that commits first makes the cancel a 409. No extra sync call and no distributed lock:
 * the shop and shipping stay independent (fault isolation), and the order, the core service,
 * is the only judge. The alternatives were weaker: asking shipping at cancel time (the seed's
 * way) is check-then-act across two databases — the start can land between the check and the
 * cancel's commit — and makes cancel depend on a supporting service; letting the shop decide
 * would need the cancel to call the shop synchronously. The cost: after the shop accepts there
 * is a short window (until the order consumes OrderAccepted) in which a cancel still wins; the
 * shop then sees the order cancelled, and nothing was shipped.
 */
import type { Caller, Decision, Rejection } from '@bounded/service-kit';
import { accept, advance, refuse } from '@bounded/service-kit';
import type { MalltailEvent, OrderLine, Recipient } from '../../../events.ts';

export const ORDER_STATUSES = ['Ordered', 'Canceled', 'Rejected', 'Completed'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
/** Where the parcel is, as the order knows it; null until overseas shipping starts. */
export const ORDER_DELIVERY_STATUSES = [
  'ShippingStarted',
  'ShippingCompleted',
  'CustomsApproved',
  'DeliveryCompleted',
  'Disposed',
] as const;
export type OrderDeliveryStatus = (typeof ORDER_DELIVERY_STATUSES)[number];
export const PAY_STATUSES = ['Paid', 'Refunded'] as const;
export type PayStatus = (typeof PAY_STATUSES)[number];

export interface OrderRequest extends Recipient {
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface Order extends OrderRequest {
  readonly id: number;
  readonly orderStatus: OrderStatus;
  readonly deliveryStatus: OrderDeliveryStatus | null;
  readonly paymentId: number;
  readonly paystatus: PayStatus;
  readonly createDate: string;
  readonly updateDate: string;
}

type OrderDecision = Decision<Order, MalltailEvent>;

const DELIVERY_RANK: Record<OrderDeliveryStatus, number> = {
  ShippingStarted: 1,
  ShippingCompleted: 2,
  CustomsApproved: 3,
  DeliveryCompleted: 4,
  Disposed: 4,
};

/** Who an order is for, or why the caller may not order for the customer the body names. */
export type CustomerDecision =
  | { readonly ok: true; readonly customerId: string | null }
  | { readonly ok: false; readonly rejection: Rejection };

/**
 * Whose order this is. Through the gateway the customer is the caller: the body may repeat the
 * caller's name or leave it out, never name someone else (an admin may order for anyone). A
 * direct call (no identity) takes the body's customerId, or none: the seed orders with just
 * `itemNo=1001`.
 */
export function customerFor(caller: Caller, named: string | undefined): CustomerDecision {
  if (caller.kind === 'direct') return { ok: true, customerId: named ?? null };
  if (named === undefined || named === caller.name || caller.isAdmin) {
    return { ok: true, customerId: named ?? caller.name };
  }
  return {
    ok: false,
    rejection: {
      code: 'ORDER.NOT_YOURS',
      message: `signed in as ${caller.name}, you cannot order for ${named}: leave customerId out or send your own`,
    },
  };
}

const lineOf = (o: Order): OrderLine => ({
  orderId: o.id,
  itemNo: o.itemNo,
  qty: o.qty,
  customerId: o.customerId,
});
const recipientOf = (o: Recipient): Recipient => ({
  customerName: o.customerName,
  customerAddress: o.customerAddress,
  phoneNumber: o.phoneNumber,
});

/** An order exists only once it is paid: placing it needs the payment that went through. */
export function placeOrder(id: number, request: OrderRequest, paymentId: number, at: string): OrderDecision {
  const order: Order = {
    id,
    ...request,
    orderStatus: 'Ordered',
    deliveryStatus: null,
    paymentId,
    paystatus: 'Paid',
    createDate: at,
    updateDate: at,
  };
  return accept(order, [
    { type: 'Ordered', data: { id, ...lineOf(order), ...recipientOf(order), orderStatus: 'Ordered' } },
  ]);
}

/** The customer cancels (requirement 6), refused once overseas shipping has started (7). */
export function cancelOrder(order: Order, at: string): OrderDecision {
  if (order.orderStatus === 'Canceled')
    return refuse('ORDER.ALREADY_CANCELED', `order ${order.id} is already cancelled`);
  if (order.orderStatus === 'Rejected')
    return refuse('ORDER.REJECTED', `order ${order.id} was rejected by the shop and cannot be cancelled`);
  if (order.deliveryStatus !== null)
    return refuse(
      'ORDER.SHIPPING_STARTED',
      `order ${order.id} can no longer be cancelled: overseas shipping to the forwarding warehouse has already started`,
    );
  const canceled: Order = { ...order, orderStatus: 'Canceled', updateDate: at };
  return accept(canceled, [
    { type: 'OrderCanceled', data: { id: order.id, ...lineOf(order), orderStatus: 'Canceled' } },
  ]);
}

/**
 * The shop owner accepted: overseas shipping starts now — unless the order was cancelled (or
 * rejected) first, in which case nothing ships (see the comment at the top).
 */
export function startShipping(order: Order, at: string): OrderDecision {
  if (order.orderStatus !== 'Ordered')
    return refuse('ORDER.NOT_SHIPPABLE', `order ${order.id} is ${order.orderStatus}: nothing is shipped`);
  if (order.deliveryStatus !== null)
    return refuse('ORDER.SHIPPING_STARTED', `order ${order.id} is already shipping`);
  return accept({ ...order, deliveryStatus: 'ShippingStarted', updateDate: at }, [
    {
      type: 'OrderDeliveryStarted',
      data: { id: order.id, ...lineOf(order), ...recipientOf(order), deliveryStatus: 'ShippingStarted' },
    },
  ]);
}

/** The shop owner rejected (requirement 13): the order ends rejected (pay refunds it). */
export function rejectByShop(order: Order, at: string): Order {
  if (order.orderStatus !== 'Ordered' || order.deliveryStatus !== null) return order;
  return { ...order, orderStatus: 'Rejected', updateDate: at };
}

/**
 * What the order learns from shipping and delivery (requirement 14). Customs rejection ends the
 * order cancelled (the item is disposed of, requirement 12); a completed delivery completes it.
 */
export function observeDelivery(order: Order, status: OrderDeliveryStatus, at: string): Order {
  const deliveryStatus = advance(DELIVERY_RANK, order.deliveryStatus, status);
  if (deliveryStatus === order.deliveryStatus) return order;
  const orderStatus: OrderStatus =
    order.orderStatus !== 'Ordered'
      ? order.orderStatus
      : deliveryStatus === 'Disposed'
        ? 'Canceled'
        : deliveryStatus === 'DeliveryCompleted'
          ? 'Completed'
          : 'Ordered';
  return { ...order, deliveryStatus, orderStatus, updateDate: at };
}

export function observeRefund(order: Order, at: string): Order {
  return order.paystatus === 'Refunded' ? order : { ...order, paystatus: 'Refunded', updateDate: at };
}
