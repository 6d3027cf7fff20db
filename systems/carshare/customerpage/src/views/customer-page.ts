/**
 * The customer's view of one rental (requirement 6): product, qty, rental, delivery, coupon and
 * payment status, and the events in the order they came. Pure: the policy loads and saves.
 *
 * Events of one rental come from five producers, so they may arrive in any order across
 * producers (a Shipped before the order's Ordered). Each field is set only by the events of the
 * producer that owns it, which arrive in their own order; the rental status moves forward only
 * (ordered → shipped → offered → cancelled), so a late event never takes it back.
 */
import { advance } from '@bounded/service-kit';
import type { EventPayloads, EventType } from '../../../events.ts';
import { HISTORY_MAX } from '../resources.ts';

export type RentalStatus = 'ordered' | 'shipped' | 'offered' | 'cancelled';

export interface CustomerPage {
  readonly orderId: number;
  readonly customerId: string | null;
  readonly productId: number | null;
  readonly qty: number | null;
  readonly status: RentalStatus | null;
  readonly paymentId: number | null;
  readonly paymentStatus: 'OrderApproved' | 'Cancelled' | null;
  readonly deliveryId: number | null;
  readonly deliveryStatus: 'Shipped' | 'Cancelled' | null;
  readonly couponId: number | null;
  readonly couponStatus: 'offered' | 'reclaimed' | null;
  readonly history: string;
}

const RANK: Record<RentalStatus, number> = { ordered: 0, shipped: 1, offered: 2, cancelled: 3 };

export function emptyPage(orderId: number): CustomerPage {
  return {
    orderId,
    customerId: null,
    productId: null,
    qty: null,
    status: null,
    paymentId: null,
    paymentStatus: null,
    deliveryId: null,
    deliveryStatus: null,
    couponId: null,
    couponStatus: null,
    history: '',
  };
}

type Change = { [T in EventType]?: (page: CustomerPage, data: EventPayloads[T]) => Partial<CustomerPage> };

const rentalOf = (page: CustomerPage, d: { productId: number; qty: number; customerId: string | null }) => ({
  productId: d.productId || page.productId,
  qty: d.qty || page.qty,
  customerId: d.customerId ?? page.customerId,
});
const moved = (page: CustomerPage, status: RentalStatus) => ({ status: advance(RANK, page.status, status) });

const CHANGES: Change = {
  Ordered: (page, d) => ({ ...rentalOf(page, d), paymentId: d.paymentId, ...moved(page, 'ordered') }),
  Paid: (page, d) => ({
    ...rentalOf(page, d),
    paymentId: d.id,
    paymentStatus: page.paymentStatus ?? 'OrderApproved',
  }),
  Shipped: (page, d) => ({
    ...rentalOf(page, d),
    deliveryId: d.id,
    deliveryStatus: page.deliveryStatus ?? 'Shipped',
    ...moved(page, 'shipped'),
  }),
  CouponOffered: (page, d) => ({ couponId: d.id, couponStatus: 'offered', ...moved(page, 'offered') }),
  CouponReclaimed: (page, d) => ({
    couponId: d.wasOffered ? d.id : page.couponId,
    couponStatus: 'reclaimed',
  }),
  CouponReclaimUndone: () => ({ couponStatus: null }),
  PaymentCanceled: () => ({ paymentStatus: 'Cancelled' }),
  DeliveryCanceled: (page, d) => ({
    deliveryId: d.id,
    deliveryStatus: 'Cancelled',
    customerId: page.customerId ?? d.customerId,
  }),
  OrderCanceled: (page, d) => ({ ...rentalOf(page, d), ...moved(page, 'cancelled') }),
};

export const VIEWED_EVENTS = Object.keys(CHANGES) as EventType[];

/** The page after one event: its fields, and the event appended to the history. */
export function applyEvent<T extends EventType>(
  page: CustomerPage,
  type: T,
  data: EventPayloads[T],
): CustomerPage {
  const change = CHANGES[type] as
    | ((p: CustomerPage, d: EventPayloads[T]) => Partial<CustomerPage>)
    | undefined;
  if (!change) return page;
  return { ...page, ...change(page, data), history: appended(page.history, type) };
}

function appended(history: string, type: string): string {
  let entries = history === '' ? [type] : [...history.split(','), type];
  while (entries.join(',').length > HISTORY_MAX) entries = entries.slice(1);
  return entries.join(',');
}
