/**
 * The delivery's routes. POST /cancellations is the seed's cancel (`orderId=1 paymentId=1
 * status="deliveryCancel"`; the server knows the payment, and owns the status): it runs the
 * cancel saga and answers 201 with the Cancellation. A repeated request with the same
 * Idempotency-Key answers the same Cancellation; a second cancel of a cancelled rental is a 409.
 * Through the gateway a customer cancels only their own rental (another's → 404); an operator any.
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, ownerScope, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { CustomerId, Id, requestKeyOf, SEE_ALL, toNumber } from '../../fields.ts';
import { type CancelRentalSaga, cancelRentalCommand } from './commands/cancel-rental.ts';
import type { DeliveryContext } from './config.ts';
import { cancellations, deliveries } from './resources.ts';

const CancellationBody = Type.Object({
  orderId: Id,
  paymentId: Type.Optional(Id),
  customerId: Type.Optional(CustomerId),
});

export function deliveryRoutes(ctx: DeliveryContext, cancelRental: CancelRentalSaga): void {
  const { app } = ctx;
  const db = ctx.store.db;

  app.post('/cancellations', { schema: { body: CancellationBody } }, async (request, reply) => {
    const cancellation = await cancelRentalCommand(ctx.store.db, cancelRental, {
      orderId: toNumber(request.body.orderId),
      scope: ownerScope(callerOf(request), SEE_ALL),
      namedCustomer: request.body.customerId,
      requestKey: requestKeyOf(request.headers),
      traceparent: currentTraceparent(request),
    });
    const body = cancellations.resource(baseUrlOf(request), cancellation);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  resourceRoutes(app, db, deliveries);
  resourceRoutes(app, db, cancellations);
}
