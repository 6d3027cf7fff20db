import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, resourceRoutes } from '@bounded/service-kit';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PaymentContext } from './config.ts';
import { payments } from './tables.ts';

export function paymentRoutes(ctx: PaymentContext): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, payments);

  app.post('/payments', { schema: { body: payments.createBody } }, async (request, reply) => {
    const header = request.headers['idempotency-key'];
    const key = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const line = payments.pickCreate(request.body);
    // A generated order's Feign Payment names no customer (userName): paid all the same.
    const { payment } = await makePaymentCommand(
      ctx,
      { ...line, userName: line.userName ?? null },
      key,
      currentTraceparent(request),
    );
    const body = payments.resource(baseUrlOf(request), { ...payment, idempotencyKey: key });
    return hal(reply, 201, body, body._links.self.href);
  });
}
