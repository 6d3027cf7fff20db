/**
 * The rental Order: what the customer rented and where it stands, as the seed shows it on the
 * order — `ordered` (paid), then `shipped` (the car was brought), then `offered` (a coupon was
 * issued), finally `cancelled`. Pure: ids, the payment and the customer come from the command.
 *
 * The order follows the other services; it never goes back: a late or repeated event leaves it
 * where it is, and a cancelled rental stays cancelled (a coupon offered again after a failed
 * cancel leaves it `offered`, as it was).
 */
import { accept, advance, type Decision } from '@bounded/service-kit';
import type { CarshareEvent, Rental } from '../../../events.ts';

export type OrderStatus = 'ordered' | 'shipped' | 'offered' | 'cancelled';

const RANK: Record<OrderStatus, number> = { ordered: 0, shipped: 1, offered: 2, cancelled: 3 };

export interface RentalRequest {
  readonly productId: number;
  readonly qty: number;
  readonly customerId: string | null;
}

export interface Order extends RentalRequest {
  readonly id: number;
  readonly status: OrderStatus;
  readonly paymentId: number;
}

type OrderDecision = Decision<Order, CarshareEvent>;

const rentalOf = (o: Order): Rental => ({
  orderId: o.id,
  productId: o.productId,
  qty: o.qty,
  customerId: o.customerId,
});

/** A rental exists only once it is paid (requirement 2): placing it needs the payment that went through. */
export function placeRental(id: number, request: RentalRequest, paymentId: number): OrderDecision {
  const order: Order = { id, ...request, status: 'ordered', paymentId };
  return accept(order, [{ type: 'Ordered', data: { id, ...rentalOf(order), paymentId, status: 'ordered' } }]);
}

/** The car was delivered (Shipped) or a coupon issued (CouponOffered): the order follows (3, 4). */
export function follow(order: Order, status: 'shipped' | 'offered'): Order {
  const next = advance(RANK, order.status, status);
  return next === order.status ? order : { ...order, status: next };
}

/** The delivery was cancelled (the end of the cancel saga): the rental ends cancelled (5), once. */
export function endCancelled(order: Order): OrderDecision {
  if (order.status === 'cancelled') return accept(order, []);
  const cancelled: Order = { ...order, status: 'cancelled' };
  return accept(cancelled, [
    { type: 'OrderCanceled', data: { id: order.id, ...rentalOf(order), status: 'cancelled' } },
  ]);
}
