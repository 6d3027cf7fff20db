/**
 * StatusView (CQRS, requirement 14): one row per order with its order, payment, shop, shipping
 * and delivery status, built only from events. Pure: folds one event into the row. Each status
 * only moves forward (the endings rank highest), so a late or re-delivered event never undoes a
 * newer one, and events from different services may arrive in any order.
 */
import { advance } from '@bounded/service-kit';

export const VIEW_ORDER_STATUSES = ['Ordered', 'Completed', 'Canceled', 'Rejected'] as const;
export type ViewOrderStatus = (typeof VIEW_ORDER_STATUSES)[number];
export const VIEW_PAY_STATUSES = ['Paid', 'Refunded'] as const;
export type ViewPayStatus = (typeof VIEW_PAY_STATUSES)[number];
export const VIEW_SHOP_STATUSES = ['Ready', 'Accepted', 'Rejected', 'Canceled'] as const;
export type ViewShopStatus = (typeof VIEW_SHOP_STATUSES)[number];
export const VIEW_SHIPPING_STATUSES = ['ShippingStarted', 'ShippingCompleted'] as const;
export type ViewShippingStatus = (typeof VIEW_SHIPPING_STATUSES)[number];
export const VIEW_DELIVERY_STATUSES = [
  'CustomsPending',
  'CustomsApproved',
  'Disposed',
  'DeliveryCompleted',
] as const;
export type ViewDeliveryStatus = (typeof VIEW_DELIVERY_STATUSES)[number];

export interface StatusView {
  readonly orderNo: number;
  readonly customerId: string | null;
  readonly itemNo: number | null;
  readonly qty: number | null;
  readonly orderStatus: ViewOrderStatus | null;
  readonly paystatus: ViewPayStatus | null;
  readonly shopStatus: ViewShopStatus | null;
  readonly shippingStatus: ViewShippingStatus | null;
  readonly deliveryStatus: ViewDeliveryStatus | null;
}

/**
 * A shop rejecting while the customer cancels: the order and the shop each decide on their own
 * row, and the two events may reach this view in either order. Each status follows its owner's
 * event: an OrderCanceled means the order ended cancelled (the order emits it only when the
 * cancel won there), an OrderRejected that the shop's copy ended rejected (a cancel arriving at
 * the shop afterwards leaves a rejected copy as it is). So Canceled outranks Rejected in the
 * order's status and Rejected outranks Canceled in the shop's, whatever the arrival order.
 */
const ORDER_RANK: Record<ViewOrderStatus, number> = { Ordered: 1, Completed: 5, Rejected: 9, Canceled: 10 };
const PAY_RANK: Record<ViewPayStatus, number> = { Paid: 1, Refunded: 9 };
const SHOP_RANK: Record<ViewShopStatus, number> = { Ready: 1, Accepted: 2, Canceled: 9, Rejected: 10 };
const SHIPPING_RANK: Record<ViewShippingStatus, number> = { ShippingStarted: 1, ShippingCompleted: 2 };
const DELIVERY_RANK: Record<ViewDeliveryStatus, number> = {
  CustomsPending: 1,
  CustomsApproved: 2,
  Disposed: 9,
  DeliveryCompleted: 9,
};

interface Change {
  orderStatus?: ViewOrderStatus;
  paystatus?: ViewPayStatus;
  shopStatus?: ViewShopStatus;
  shippingStatus?: ViewShippingStatus;
  deliveryStatus?: ViewDeliveryStatus;
}

const CHANGES: Record<string, Change> = {
  Ordered: { orderStatus: 'Ordered' },
  OrderPaid: { paystatus: 'Paid', shopStatus: 'Ready' },
  PaymentCanceled: { paystatus: 'Refunded' },
  OrderCanceled: { orderStatus: 'Canceled', shopStatus: 'Canceled' },
  OrderAccepted: { shopStatus: 'Accepted' },
  OrderRejected: { shopStatus: 'Rejected', orderStatus: 'Rejected' },
  OrderDeliveryStarted: { shippingStatus: 'ShippingStarted' },
  ShippingCompleted: { shippingStatus: 'ShippingCompleted', deliveryStatus: 'CustomsPending' },
  CustomsApproved: { deliveryStatus: 'CustomsApproved' },
  CustomsRejected: { deliveryStatus: 'Disposed', orderStatus: 'Canceled' },
  DeliveryCompleted: { deliveryStatus: 'DeliveryCompleted', orderStatus: 'Completed' },
};

/** The event types this view listens to. */
export const STATUS_VIEW_EVENTS = Object.keys(CHANGES);

export function emptyStatusView(orderNo: number): StatusView {
  return {
    orderNo,
    customerId: null,
    itemNo: null,
    qty: null,
    orderStatus: null,
    paystatus: null,
    shopStatus: null,
    shippingStatus: null,
    deliveryStatus: null,
  };
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function project(row: StatusView, type: string, data: Readonly<Record<string, unknown>>): StatusView {
  const c = CHANGES[type] ?? {};
  return {
    orderNo: row.orderNo,
    customerId: row.customerId ?? text(data.customerId),
    itemNo: row.itemNo ?? num(data.itemNo),
    qty: row.qty ?? num(data.qty),
    orderStatus: c.orderStatus ? advance(ORDER_RANK, row.orderStatus, c.orderStatus) : row.orderStatus,
    paystatus: c.paystatus ? advance(PAY_RANK, row.paystatus, c.paystatus) : row.paystatus,
    shopStatus: c.shopStatus ? advance(SHOP_RANK, row.shopStatus, c.shopStatus) : row.shopStatus,
    shippingStatus: c.shippingStatus
      ? advance(SHIPPING_RANK, row.shippingStatus, c.shippingStatus)
      : row.shippingStatus,
    deliveryStatus: c.deliveryStatus
      ? advance(DELIVERY_RANK, row.deliveryStatus, c.deliveryStatus)
      : row.deliveryStatus,
  };
}
