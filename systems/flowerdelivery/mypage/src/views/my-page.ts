/**
 * MyPage (CQRS view): one row per order, built only from events (requirement 14). Pure:
 * folds one event into the row. Statuses only move forward, so a late or re-delivered event
 * never undoes a newer one, and events from different services may arrive in any order.
 */
import { advance } from '@bounded/service-kit';

export const MY_PAGE_ORDER_STATUSES = [
  'Ordered',
  'Paid',
  'OrderAccepted',
  'Decorated',
  'OrderRejected',
  'OrderCancelled',
] as const;
export type MyPageOrderStatus = (typeof MY_PAGE_ORDER_STATUSES)[number];
export const MY_PAGE_DELIVERY_STATUSES = [
  'DeliveryRequested',
  'DeliveryStarted',
  'DeliveryCompleted',
  'DeliveryCancelled',
] as const;
export type MyPageDeliveryStatus = (typeof MY_PAGE_DELIVERY_STATUSES)[number];
export const MY_PAGE_PAYMENT_STATUSES = ['Paid', 'Refunded'] as const;
export type MyPagePaymentStatus = (typeof MY_PAGE_PAYMENT_STATUSES)[number];

export interface MyPage {
  readonly orderId: number;
  readonly storeName: string | null;
  readonly itemName: string | null;
  readonly orderQty: number | null;
  readonly itemPrice: number | null;
  readonly userName: string | null;
  readonly orderStatus: MyPageOrderStatus | null;
  readonly deliveryStatus: MyPageDeliveryStatus | null;
  readonly paymentStatus: MyPagePaymentStatus | null;
}

const ORDER_RANK: Record<MyPageOrderStatus, number> = {
  Ordered: 0,
  Paid: 1,
  OrderAccepted: 2,
  Decorated: 3,
  OrderRejected: 9,
  OrderCancelled: 9,
};
const DELIVERY_RANK: Record<MyPageDeliveryStatus, number> = {
  DeliveryRequested: 1,
  DeliveryStarted: 2,
  DeliveryCompleted: 3,
  DeliveryCancelled: 9,
};
const PAYMENT_RANK: Record<MyPagePaymentStatus, number> = { Paid: 1, Refunded: 9 };

const ORDER_STATUS_OF: Partial<Record<string, MyPageOrderStatus>> = {
  Ordered: 'Ordered',
  Paid: 'Paid',
  OrderAccepted: 'OrderAccepted',
  Decorated: 'Decorated',
  OrderRejected: 'OrderRejected',
  OrderCancelled: 'OrderCancelled',
};
const DELIVERY_STATUS_OF: Partial<Record<string, MyPageDeliveryStatus>> = {
  Decorated: 'DeliveryRequested',
  DeliveryStarted: 'DeliveryStarted',
  DeliveryCompleted: 'DeliveryCompleted',
  DeliveryCancelled: 'DeliveryCancelled',
};
const PAYMENT_STATUS_OF: Partial<Record<string, MyPagePaymentStatus>> = {
  Paid: 'Paid',
  PaymentCancelled: 'Refunded',
};

/** The event types this view listens to. */
export const MY_PAGE_EVENTS = [
  'Ordered',
  'Paid',
  'PaymentCancelled',
  'OrderCancelled',
  'OrderAccepted',
  'Decorated',
  'OrderRejected',
  'DeliveryCancelled',
  'DeliveryStarted',
  'DeliveryCompleted',
] as const;

export function emptyMyPage(orderId: number): MyPage {
  return {
    orderId,
    storeName: null,
    itemName: null,
    orderQty: null,
    itemPrice: null,
    userName: null,
    orderStatus: null,
    deliveryStatus: null,
    paymentStatus: null,
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function project(row: MyPage, type: string, data: Readonly<Record<string, unknown>>): MyPage {
  const orderStatus = ORDER_STATUS_OF[type];
  const deliveryStatus = DELIVERY_STATUS_OF[type];
  const paymentStatus = PAYMENT_STATUS_OF[type];
  return {
    orderId: row.orderId,
    storeName: row.storeName ?? text(data.storeName),
    itemName: row.itemName ?? text(data.itemName),
    orderQty: row.orderQty ?? num(data.qty),
    itemPrice: row.itemPrice ?? num(data.itemPrice),
    userName: row.userName ?? text(data.userName),
    orderStatus: orderStatus ? advance(ORDER_RANK, row.orderStatus, orderStatus) : row.orderStatus,
    deliveryStatus: deliveryStatus
      ? advance(DELIVERY_RANK, row.deliveryStatus, deliveryStatus)
      : row.deliveryStatus,
    paymentStatus: paymentStatus
      ? advance(PAYMENT_RANK, row.paymentStatus, paymentStatus)
      : row.paymentStatus,
  };
}
