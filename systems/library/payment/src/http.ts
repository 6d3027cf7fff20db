/**
 * The payment's routes: `POST /payments` is the rental service's sync call (never through the
 * gateway); the reads are the declared resource's (a member sees their own, staff all).
 */
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, LIMITS, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PaymentContext } from './config.ts';
import { payments } from './tables.ts';

const PaymentBody = Type.Object({
  rentalId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  memberId: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  bookId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
});

export function paymentRoutes(ctx: PaymentContext): void {
  const { app } = ctx;

  app.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
    const { rentalId, memberId, bookId } = request.body;
    const payment = await makePaymentCommand(
      ctx,
      { rentalId, memberId, bookId },
      currentTraceparent(request),
    );
    const body = payments.resource(baseUrlOf(request), payment);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  resourceRoutes(app, ctx.store.db, payments);
}
