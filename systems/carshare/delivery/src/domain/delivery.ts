/**
 * The Delivery of a rented car (seed: Paid → Shipped) and its cancellation, the last step of the
 * customer's cancel saga (commands/cancel-rental.ts). Pure: ids come from the command.
 *
 * One delivery row per rental, whatever arrives first: a cancellation that completes before the
 * delivery service has seen the rental's Paid (it was down, or is catching up) stores the row
 * already cancelled, so the late Paid finds it and no car is brought.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { CarshareEvent, EventPayloads } from '../../../events.ts';

export type DeliveryStatus = 'Shipped' | 'Cancelled';

export interface Delivery {
  readonly id: number;
  readonly orderId: number;
  readonly paymentId: number;
  readonly productId: number | null;
  readonly qty: number | null;
  readonly customerId: string | null;
  readonly status: DeliveryStatus;
}

type DeliveryDecision = Decision<Delivery, CarshareEvent>;
type CancelReason = EventPayloads['DeliveryCanceled']['reason'];

/** A paid rental: the company brings the car (requirement 3), unless the rental has its row already. */
export function ship(existing: Delivery | undefined, delivery: Delivery): DeliveryDecision {
  if (existing) return refuse('DELIVERY.EXISTS', `rental ${delivery.orderId} has its delivery already`);
  const { id, orderId, paymentId, customerId } = delivery;
  const shipped: Delivery = { ...delivery, status: 'Shipped' };
  return accept(shipped, [
    {
      type: 'Shipped',
      data: {
        id,
        orderId,
        paymentId,
        productId: delivery.productId ?? 0,
        qty: delivery.qty ?? 0,
        customerId,
        status: 'Shipped',
      },
    },
  ]);
}

/** Whether a cancel saga may start for this rental (its delivery may not exist yet). */
export function mayStartCancel(
  delivery: Delivery | undefined,
  orderId: number,
): DeliveryDecision | undefined {
  if (delivery?.status === 'Cancelled')
    return refuse('DELIVERY.ALREADY_CANCELLED', `rental ${orderId} is already cancelled`);
  return undefined;
}

/** The delivery is cancelled (requirement 5): the end of the cancel saga, or after a refund. */
export function cancel(
  delivery: Delivery,
  cancellationId: number | null,
  reason: CancelReason,
): DeliveryDecision {
  if (delivery.status === 'Cancelled')
    return refuse('DELIVERY.ALREADY_CANCELLED', `rental ${delivery.orderId} is already cancelled`);
  const { id, orderId, paymentId, customerId } = delivery;
  return accept({ ...delivery, status: 'Cancelled' }, [
    {
      type: 'DeliveryCanceled',
      data: { id, orderId, paymentId, cancellationId, customerId, status: 'Cancelled', reason },
    },
  ]);
}

/**
 * A rental cancelled before its delivery existed (the Paid not seen yet): the row is stored
 * cancelled, so the late Paid brings no car.
 */
export function cancelBeforeShipping(
  delivery: Omit<Delivery, 'status'>,
  cancellationId: number,
): DeliveryDecision {
  const { id, orderId, paymentId, customerId } = delivery;
  return accept({ ...delivery, status: 'Cancelled' }, [
    {
      type: 'DeliveryCanceled',
      data: {
        id,
        orderId,
        paymentId,
        cancellationId,
        customerId,
        status: 'Cancelled',
        reason: 'RentalCancelled',
      },
    },
  ]);
}
