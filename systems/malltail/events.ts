/**
 * The malltail event catalog: every event that crosses services, with its payload. Names and
 * fields follow the seed (MSAEz): `id` is the emitting aggregate's id, `orderId` (and the seed's
 * `orderNo`, the same number) the correlation id, which is also the bus key, so one order's
 * events stay in order within a producer.
 */
import { type EventOf, eventCatalog } from '@bounded/service-kit';

/** What the customer ordered and where it goes; repeated so consumers need no lookups. */
export interface OrderLine {
  readonly orderId: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface Recipient {
  readonly customerName: string | null;
  readonly customerAddress: string | null;
  readonly phoneNumber: string | null;
}

export interface EventPayloads {
  /** order: an order was placed (and paid, synchronously). `id` = order id. */
  Ordered: OrderLine & Recipient & { id: number; orderStatus: 'Ordered' };
  /** pay: the customer paid (seed: OrderPaid → shop's orderInfoUpdate). `id` = payment id. */
  OrderPaid: OrderLine & { id: number; orderNo: number; paystatus: 'Paid' };
  /** pay: a payment was refunded, after a customer cancel, a shop rejection or a compensation. */
  PaymentCanceled: {
    id: number;
    orderId: number;
    orderNo: number;
    paystatus: 'Refunded';
    reason: 'OrderCanceled' | 'OrderRejected' | 'Compensation';
  };
  /** order: the customer cancelled before overseas shipping started. `id` = order id. */
  OrderCanceled: OrderLine & { id: number; orderStatus: 'Canceled' };
  /** order: the order could not be saved after its payment went through; pay refunds it. */
  PaymentCompensationRequested: { orderId: number; paymentId: number; reason: string };
  /** shop: the shop owner can ship it (accepted). `id` = the shop's copy id. */
  OrderAccepted: { id: number; orderId: number; orderNo: number; itemNo: number; deliveryStatus: 'Accepted' };
  /** shop: the shop owner cannot ship it (rejected): refund, the order ends rejected. */
  OrderRejected: { id: number; orderId: number; orderNo: number; itemNo: number; deliveryStatus: 'Rejected' };
  /**
   * order: overseas shipping to the forwarding warehouse starts (seed: OrderDeliveryStarted →
   * shipping's "start shipping"). Decided by the order, in the same place as a cancel.
   */
  OrderDeliveryStarted: OrderLine & Recipient & { id: number; deliveryStatus: 'ShippingStarted' };
  /** shipping: the parcel reached the forwarding warehouse and leaves for Korea (→ customs list). */
  ShippingCompleted: OrderLine &
    Recipient & { id: number; orderNo: number; shippingStatus: 'ShippingCompleted' };
  /** delivery: customs cleared the parcel; domestic delivery proceeds. */
  CustomsApproved: { id: number; orderId: number; orderNo: number; deliveryStatus: 'CustomsApproved' };
  /** delivery: customs rejected the parcel: disposed of, order cancelled, no refund (customer's fault). */
  CustomsRejected: { id: number; orderId: number; orderNo: number; deliveryStatus: 'Disposed' };
  /** delivery: the parcel was handed over at the Korean address. */
  DeliveryCompleted: { id: number; orderId: number; orderNo: number; deliveryStatus: 'DeliveryCompleted' };
}

export type EventType = keyof EventPayloads;

/** An event as a command decides it: type, payload; the bus key is always the order id. */
export type MalltailEvent = EventOf<EventPayloads>;

/**
 * Where each event carries the order id when its record has no key (a generated Java producer
 * sets none): `orderId`, the seed's `orderNo` (the same number), else the aggregate's own `id`
 * where the aggregate is the order. Never the `id` of a payment, shop copy, parcel or delivery.
 */
export const CORRELATION = {
  Ordered: ['orderId', 'id'],
  OrderPaid: ['orderId', 'orderNo'],
  PaymentCanceled: ['orderId', 'orderNo'],
  OrderCanceled: ['orderId', 'id'],
  PaymentCompensationRequested: ['orderId'],
  OrderAccepted: ['orderId', 'orderNo'],
  OrderRejected: ['orderId', 'orderNo'],
  OrderDeliveryStarted: ['orderId', 'id'],
  ShippingCompleted: ['orderId', 'orderNo'],
  CustomsApproved: ['orderId', 'orderNo'],
  CustomsRejected: ['orderId', 'orderNo'],
  DeliveryCompleted: ['orderId', 'orderNo'],
} as const satisfies Record<EventType, readonly string[]>;

/**
 * The outbox's shape of a decided event (key = order id), a delivered payload as the catalog says
 * it is, and the order id of a delivered event: the bus key (our producers set it), else the
 * payload's field per CORRELATION; an event naming none is refused (retried, then parked), never order 0.
 */
export const {
  toNewEvent,
  payloadOf,
  idOf: orderIdOf,
} = eventCatalog<EventPayloads>({
  key: 'orderId',
  name: 'order id',
  correlation: CORRELATION,
  fallback: ['orderId', 'orderNo'],
});
