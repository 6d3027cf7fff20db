/**
 * The carshare event catalog: every event that crosses services, with its payload. Names follow
 * the seed (MSAEz): `id` is the emitting aggregate's id, `orderId` the correlation id (the
 * rental), which is also the bus key, so one rental's events stay in order within a producer.
 */
import { type EventOf, eventCatalog } from '@bounded/service-kit';

/** What was rented, repeated so consumers need no lookups. */
export interface Rental {
  readonly orderId: number;
  readonly productId: number;
  readonly qty: number;
  readonly customerId: string | null;
}

/** Why a payment was cancelled: the customer's cancel (the saga), or an order that was never saved. */
export type PaymentCancelReason = 'RentalCancelled' | 'OrderNotSaved';

export interface EventPayloads {
  /** order: a rental was taken (and paid, synchronously). `id` = order id. */
  Ordered: Rental & { id: number; paymentId: number; status: 'ordered' };
  /** order: the rental could not be saved after its payment went through; payment refunds it. */
  PaymentCompensationRequested: { orderId: number; paymentId: number; reason: string };
  /** payment: the customer paid (seed: status OrderApproved). `id` = payment id. */
  Paid: Rental & { id: number; status: 'OrderApproved' };
  /** payment: a payment was cancelled (refunded). `id` = payment id. */
  PaymentCanceled: {
    id: number;
    orderId: number;
    paymentCancellationId: number | null;
    status: 'Cancelled';
    reason: PaymentCancelReason;
  };
  /** delivery: the car was brought to the customer (seed: Shipped). `id` = delivery id. */
  Shipped: Rental & { id: number; paymentId: number; status: 'Shipped' };
  /**
   * delivery: the delivery was cancelled — the end of the customer's cancel saga (its coupon
   * reclaimed and its payment cancelled before), or after an order that was never saved was refunded.
   */
  DeliveryCanceled: {
    id: number;
    orderId: number;
    paymentId: number;
    cancellationId: number | null;
    customerId: string | null;
    status: 'Cancelled';
    reason: 'RentalCancelled' | 'PaymentRefunded';
  };
  /**
   * delivery: the cancel saga's compensation — its payment step failed after the coupon was
   * reclaimed, so the reclaim `couponCancellationId` is undone (the coupon offered again).
   */
  CouponReofferRequested: { orderId: number; couponCancellationId: number; reason: string };
  /** coupon: a coupon rewards a delivered rental (seed: offered); `reoffered` after an undone reclaim. */
  CouponOffered: {
    id: number;
    orderId: number;
    paymentId: number | null;
    deliveryId: number | null;
    customerId: string | null;
    status: 'offered';
    reoffered: boolean;
  };
  /** coupon: the coupon was taken back (a rental being cancelled). `id` = coupon id. */
  CouponReclaimed: {
    id: number;
    orderId: number;
    couponCancellationId: number | null;
    /** False when no coupon had been issued yet: the reclaim only stops a later one. */
    wasOffered: boolean;
    status: 'reclaimed';
  };
  /** coupon: a reclaim of a coupon never issued was undone: a later Shipped may issue it again. */
  CouponReclaimUndone: { orderId: number; couponCancellationId: number; status: 'notIssued' };
  /** order: the rental ended cancelled (after its delivery was). `id` = order id. */
  OrderCanceled: Rental & { id: number; status: 'cancelled' };
}

export type EventType = keyof EventPayloads;

/** An event as a command decides it: type, payload; the bus key is always the order id. */
export type CarshareEvent = EventOf<EventPayloads>;

/**
 * The outbox's shape of a decided event (key = order id), a delivered payload as the catalog
 * says it is, and the order id of a delivered event (its key; else, from a keyless producer,
 * the payload's orderId — never order 0).
 */
export const {
  toNewEvent,
  payloadOf,
  idOf: orderIdOf,
} = eventCatalog<EventPayloads>({ key: 'orderId', name: 'order id' });

/** A consumed event as a policy sees it. */
export interface PolicyEvent {
  readonly key: string;
  readonly type?: string;
  readonly data: Readonly<Record<string, unknown>>;
}
