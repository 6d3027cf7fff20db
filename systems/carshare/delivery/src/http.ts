/**
 * The delivery's routes. POST /cancellations is the seed's cancel (`orderId=1 paymentId=1
 * status="deliveryCancel"`; the server knows the payment, and owns the status): it runs the
 * cancel saga and answers 201 with the Cancellation. A repeated request with the same
 * Idempotency-Key answers the same Cancellation; a second cancel of a cancelled rental is a 409.
 * Through the gateway a customer cancels only their own rental (another's → 404); an operator any.
 */
import { DependencyRejectedError } from '@bounded/http-client';
import { currentTraceparent, NotFoundError } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, ownerScope, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { CustomerId, Id, requestKeyOf, SEE_ALL, toNumber } from '../../fields.ts';
import { type CancelRentalSaga, checkCancellable } from './commands/cancel-rental.ts';
import type { DeliveryContext } from './config.ts';
import { cancellations, deliveries } from './resources.ts';

const CancellationBody = Type.Object({
  orderId: Id,
  paymentId: Type.Optional(Id),
  customerId: Type.Optional(CustomerId),
});

const rentalNotFound = (orderId: number) =>
  new NotFoundError('RENTAL.NOT_FOUND', `rental ${orderId} not found`);

export function deliveryRoutes(ctx: DeliveryContext, cancelRental: CancelRentalSaga): void {
  const { app } = ctx;
  const db = ctx.store.db;

  app.post('/cancellations', { schema: { body: CancellationBody } }, async (request, reply) => {
    const orderId = toNumber(request.body.orderId);
    const scope = ownerScope(callerOf(request), SEE_ALL);
    const delivery = await deliveries.loadBy(db, 'orderId', orderId);
    if (delivery && scope !== undefined && delivery.customerId !== scope) throw rentalNotFound(orderId);
    const { cancellationId } = await cancelRental
      .run(
        {
          orderId,
          paymentId: delivery?.paymentId ?? null,
          deliveryId: delivery?.id ?? null,
          customerId: delivery ? delivery.customerId : (scope ?? request.body.customerId ?? null),
          actingFor: delivery ? null : (scope ?? null),
          traceparent: currentTraceparent(request),
        },
        {
          correlation: String(orderId),
          requestKey: requestKeyOf(request.headers),
          traceparent: currentTraceparent(request),
          check: (trx) => checkCancellable(trx, orderId),
          mayJoin: (rental) => scope === undefined || rental.customerId === scope,
        },
      )
      .catch((error: unknown) => {
        // Payment knows no such rental (or not the caller's): to the customer it is a missing rental.
        if (error instanceof DependencyRejectedError && error.status === 404) throw rentalNotFound(orderId);
        throw error;
      });
    const cancellation = await cancellations.load(db, cancellationId);
    if (!cancellation) throw new Error(`cancellation ${cancellationId} vanished`);
    const body = cancellations.resource(baseUrlOf(request), cancellation);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  resourceRoutes(app, db, deliveries);
  resourceRoutes(app, db, cancellations);
}
