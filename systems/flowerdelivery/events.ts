/**
 * The flowerdelivery event catalog: every event that crosses services, with its payload.
 * Names and fields follow the seed (MSAEz): `id` is the emitting aggregate's id, `orderId` the
 * correlation id (also the bus key, so one order's events stay in order within a producer).
 * A generated Java producer sets no key, so the correlation id is read from the payload then
 * (CORRELATION below); its DTOs leave out some fields (the seed's Paid has no itemPrice and no
 * userName, its Feign Payment no userName), so those are nullable on the line.
 */
import { type EventOf, eventCatalog } from '@bounded/service-kit';

/** What a customer ordered; repeated on most events so consumers (MyPage) need no lookups. */
export interface OrderLine {
  readonly orderId: number;
  readonly itemName: string;
  readonly qty: number;
  /** Null when a generated service left it out (its Paid copies no itemPrice). */
  readonly itemPrice: number | null;
  /** Null when a generated service left it out (its Feign Payment and Paid have no userName). */
  readonly userName: string | null;
  readonly storeName: string;
}

export interface EventPayloads {
  /** order: an order was placed (and paid, synchronously). `id` = order id. */
  Ordered: OrderLine & { id: number; orderStatus: 'Ordered' };
  /** payment: the customer paid (결제완료됨). `id` = payment id. */
  Paid: OrderLine & { id: number; paymentStatus: 'Paid' };
  /** payment: a payment was refunded (강제취소됨), after a cancel, a rejection or a compensation. */
  PaymentCancelled: {
    id: number;
    orderId: number;
    paymentStatus: 'Refunded';
    reason: 'OrderCancelled' | 'OrderRejected' | 'Compensation';
  };
  /** order: the customer cancelled (주문취소됨). `id` = order id. */
  OrderCancelled: OrderLine & { id: number; orderStatus: 'OrderCancelled' };
  /**
   * order: the order could not be saved after its payment went through; payment refunds it.
   * Recorded in the outbox so the refund survives a crash of the order service.
   */
  PaymentCompensationRequested: { orderId: number; paymentId: number; reason: string };
  /** ordermanagement: the store accepted the order (주문접수됨). `id` = the store's copy id. */
  OrderAccepted: OrderLine & { id: number; orderStatus: 'OrderAccepted' };
  /** ordermanagement: the flowers are decorated (꽃장식완료됨): a delivery request for the riders. */
  Decorated: OrderLine & { id: number; orderStatus: 'Decorated' };
  /** ordermanagement: the store rejected the order (주문거절됨), e.g. out of flowers. */
  OrderRejected: OrderLine & { id: number; orderStatus: 'OrderRejected' };
  /** delivery: a requested delivery was cancelled (배달취소됨). `id` = delivery id. */
  DeliveryCancelled: { id: number; orderId: number; deliveryStatus: 'DeliveryCancelled' };
  /** delivery: the rider left the store (배달출발함). */
  DeliveryStarted: { id: number; orderId: number; deliveryStatus: 'DeliveryStarted' };
  /** delivery: the rider handed the flowers over (배달완료됨). */
  DeliveryCompleted: { id: number; orderId: number; deliveryStatus: 'DeliveryCompleted' };
}

export type EventType = keyof EventPayloads;

/** An event as a command decides it: type, payload; the bus key is always the order id. */
export type FlowerEvent = EventOf<EventPayloads>;

/**
 * Where each event carries the order id when its record has no key (a generated producer's):
 * `orderId`, else the aggregate's own `id` where the aggregate is the order (the seed's Ordered
 * and OrderCancelled have only `id`). Never the `id` of a payment, store copy or delivery.
 */
export const CORRELATION = {
  Ordered: ['orderId', 'id'],
  OrderCancelled: ['orderId', 'id'],
  Paid: ['orderId'],
  PaymentCancelled: ['orderId'],
  PaymentCompensationRequested: ['orderId'],
  OrderAccepted: ['orderId'],
  Decorated: ['orderId'],
  OrderRejected: ['orderId'],
  DeliveryCancelled: ['orderId'],
  DeliveryStarted: ['orderId'],
  DeliveryCompleted: ['orderId'],
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
  fallback: ['orderId'],
});

/** The order line fields an event carries, each null when absent (a generated DTO's gaps). */
export function lineFieldsOf(data: Readonly<Record<string, unknown>>): {
  itemName: string | null;
  qty: number | null;
  itemPrice: number | null;
  storeName: string | null;
  userName: string | null;
} {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const int = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  return {
    itemName: text(data.itemName),
    qty: int(data.qty),
    itemPrice: int(data.itemPrice),
    storeName: text(data.storeName),
    userName: text(data.userName),
  };
}
