/**
 * The customer cancels a rental (requirement 5): a saga, in the seed's order —
 *   1. reclaim the coupon      (sync delivery → coupon)   undone by CouponReofferRequested
 *   2. cancel the payment      (sync delivery → payment)  the last remote step: nothing after it can fail
 *   3. cancel the delivery     (this service's own transaction: DeliveryCanceled; the order then
 *                               ends cancelled, async)
 * Coupon down or its breaker open → 503 + Retry-After, nothing changed. Payment failing after the
 * reclaim → the reclaim is undone by the compensating event and the cancel answers 503. A payment
 * call that timed out may have gone through: the saga waits for payment's answer under the same
 * key instead of undoing (see @bounded/service-kit's saga.ts). Every step keeps its idempotency
 * key across retries, resumes and restarts, so nothing is reclaimed or refunded twice.
 */
import { DependencyRejectedError } from '@bounded/http-client';
import { NotFoundError } from '@bounded/kernel';
import { decided, type Saga, type sagaRunner } from '@bounded/service-kit';
import type { Kysely } from 'kysely';
import { toNewEvent } from '../../../events.ts';
import { cancel, cancelBeforeShipping, type Delivery, mayStartCancel } from '../domain/delivery.ts';
import type { CouponPort, PaymentCancelled, PaymentPort } from '../ports.ts';
import { cancellations, type DeliveryTables, deliveries } from '../resources.ts';

export interface CancelRental {
  readonly orderId: number;
  /** What the delivery service knows of the rental (null: its Paid not seen yet). */
  readonly paymentId: number | null;
  readonly deliveryId: number | null;
  /** Whose rental: the delivery's customer, or the caller's when the delivery is not known. */
  readonly customerId: string | null;
  /** Set when payment must check the rental is this customer's (no delivery known to check it here). */
  readonly actingFor: string | null;
  readonly traceparent?: string;
}

export interface CancelOutcome {
  readonly cancellationId: number;
}

export type CancelRentalSaga = Saga<DeliveryTables, CancelRental, CancelOutcome>;

export function cancelRentalSaga(
  runner: ReturnType<typeof sagaRunner<DeliveryTables>>,
  coupon: CouponPort,
  payment: PaymentPort,
): CancelRentalSaga {
  return runner.define<CancelRental, CancelOutcome>({
    name: 'cancel-rental',
    steps: [
      {
        name: 'reclaimCoupon',
        run: (rental, key) => coupon.reclaim(rental, key, rental.traceparent),
        compensate: async (_trx, record, rental, couponCancellationId) => {
          await record([
            toNewEvent({
              type: 'CouponReofferRequested',
              data: {
                orderId: rental.orderId,
                couponCancellationId: couponCancellationId as number,
                reason: 'the payment could not be cancelled',
              },
            }),
          ]);
        },
      },
      {
        name: 'cancelPayment',
        run: (rental, key) =>
          payment.cancel(
            { orderId: rental.orderId, paymentId: rental.paymentId, customerId: rental.actingFor },
            key,
            rental.traceparent,
          ),
      },
    ],
    async complete(trx, record, rental, done) {
      const couponCancellationId = done.reclaimCoupon as number;
      const { paymentCancellationId, paymentId } = done.cancelPayment as PaymentCancelled;
      const delivery = await deliveryToCancel(trx, rental, paymentId);
      const cancellationId = await cancellations.insert(trx, {
        orderId: rental.orderId,
        paymentId,
        deliveryId: delivery.id,
        customerId: delivery.customerId,
        couponCancellationId,
        paymentCancellationId,
        status: 'deliveryCancelled',
      });
      const decision =
        'status' in delivery
          ? cancel(delivery, cancellationId, 'RentalCancelled')
          : cancelBeforeShipping(delivery, cancellationId);
      // Cancelled meanwhile by a refund of an unsaved rental: the cancellation is recorded, nothing more to announce.
      if (!decision.ok) return { cancellationId };
      if ('status' in delivery) await deliveries.update(trx, delivery.id, { status: 'Cancelled' });
      await record(decision.events.map(toNewEvent));
      return { cancellationId };
    },
  });
}

/** The rental's delivery, or a new row standing for the one that was never made. */
async function deliveryToCancel(
  trx: Kysely<DeliveryTables>,
  rental: CancelRental,
  paymentId: number,
): Promise<Delivery | Omit<Delivery, 'status'>> {
  const existing = await deliveries.loadBy(trx, 'orderId', rental.orderId, { lock: true });
  if (existing) return existing;
  const row = {
    orderId: rental.orderId,
    paymentId,
    productId: null,
    qty: null,
    customerId: rental.customerId,
  };
  const id = await deliveries.insert(trx, { ...row, status: 'Cancelled' });
  return { id, ...row };
}

export interface CancelRequest {
  readonly orderId: number;
  /** The customer whose rentals the caller may cancel; undefined: any (an operator, a direct call). */
  readonly scope: string | undefined;
  /** The customer a direct call names in its body, if any. */
  readonly namedCustomer?: string;
  /** The client's Idempotency-Key. */
  readonly requestKey?: string;
  readonly traceparent?: string;
}

/**
 * The customer's cancel: another customer's rental → 404; the saga started (or its earlier
 * outcome replayed, or a running one joined); a rental payment knows nothing of → 404.
 */
export async function cancelRentalCommand(
  db: Kysely<DeliveryTables>,
  saga: CancelRentalSaga,
  request: CancelRequest,
) {
  const { orderId, scope } = request;
  const delivery = await deliveries.loadBy(db, 'orderId', orderId);
  if (delivery && scope !== undefined && delivery.customerId !== scope) throw rentalNotFound(orderId);
  const rental: CancelRental = {
    orderId,
    paymentId: delivery?.paymentId ?? null,
    deliveryId: delivery?.id ?? null,
    customerId: delivery ? delivery.customerId : (scope ?? request.namedCustomer ?? null),
    // No delivery known here to check whose rental it is: payment checks it.
    actingFor: delivery ? null : (scope ?? null),
    traceparent: request.traceparent,
  };
  const { cancellationId } = await saga
    .run(rental, {
      correlation: String(orderId),
      requestKey: request.requestKey,
      traceparent: request.traceparent,
      check: (trx) => checkCancellable(trx, orderId),
      // Only the customer who started a cancel may join it or have it replayed.
      mayJoin: (started) => scope === undefined || started.customerId === scope,
    })
    .catch((error: unknown) => {
      // Payment knows no such rental (or not the caller's): to the customer it is a missing rental.
      if (error instanceof DependencyRejectedError && error.status === 404) throw rentalNotFound(orderId);
      throw error;
    });
  const cancellation = await cancellations.load(db, cancellationId);
  if (!cancellation) throw new Error(`cancellation ${cancellationId} vanished`);
  return cancellation;
}

const rentalNotFound = (orderId: number) =>
  new NotFoundError('RENTAL.NOT_FOUND', `rental ${orderId} not found`);

/** Refuses a cancel of a rental already cancelled (409), in the transaction that starts the saga. */
async function checkCancellable(trx: Kysely<DeliveryTables>, orderId: number): Promise<void> {
  const delivery = await deliveries.loadBy(trx, 'orderId', orderId, { lock: true });
  const refusal = mayStartCancel(delivery, orderId);
  if (refusal) decided(refusal);
}
