/**
 * The payment's routes. Payments and their cancellations are made by sync calls (order →
 * payment, delivery → payment) on loopback; the gateway lets customers and operators only read.
 * Both POSTs are idempotent on the caller's Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, LIMITS, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { Count, CustomerId, Id, requestKeyOf, toNumber } from '../../fields.ts';
import { cancelPaymentCommand } from './commands/cancel-payment.ts';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PaymentContext } from './config.ts';
import { paymentCancellations, payments } from './resources.ts';

/** The seed's Payment body (orderId, productId, qty; status="OrderApproved" is the server's and ignored). */
const PaymentBody = Type.Object({
  orderId: Id,
  productId: Id,
  qty: Type.Optional(Count),
  customerId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: LIMITS.text }), Type.Null()])),
});

const CancellationBody = Type.Object({
  orderId: Id,
  paymentId: Type.Optional(Id),
  customerId: Type.Optional(CustomerId),
});

const selfOf = (body: Record<string, unknown>) => (body._links as { self: { href: string } }).self.href;

export function paymentRoutes(ctx: PaymentContext): void {
  const { app } = ctx;

  app.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
    const { orderId, productId, qty, customerId } = request.body;
    const payment = await makePaymentCommand(
      ctx,
      {
        orderId: toNumber(orderId),
        productId: toNumber(productId),
        qty: qty === undefined ? 1 : toNumber(qty),
        customerId: customerId ?? null,
      },
      requestKeyOf(request.headers) ?? randomUUID(),
      currentTraceparent(request),
    );
    const body = payments.resource(baseUrlOf(request), payment);
    return hal(reply, 201, body, selfOf(body));
  });

  app.post('/paymentCancellations', { schema: { body: CancellationBody } }, async (request, reply) => {
    const { orderId, paymentId, customerId } = request.body;
    const cancellation = await cancelPaymentCommand(
      ctx,
      {
        orderId: toNumber(orderId),
        paymentId: paymentId === undefined ? undefined : toNumber(paymentId),
        customerId,
      },
      requestKeyOf(request.headers) ?? randomUUID(),
      currentTraceparent(request),
    );
    const body = paymentCancellations.resource(baseUrlOf(request), cancellation);
    return hal(reply, 201, body, selfOf(body));
  });

  resourceRoutes(app, ctx.store.db, payments);
  resourceRoutes(app, ctx.store.db, paymentCancellations);
}
