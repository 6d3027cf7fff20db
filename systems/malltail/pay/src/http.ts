import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderCopyFields } from '../../order-line.ts';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PayContext } from './config.ts';
import { payments } from './tables.ts';

/** The seed's Payment body (orderNo, itemNo; qty defaults to 1; paystatus is the server's and ignored). */
const PaymentBody = Type.Object({
  ...orderCopyFields,
  qty: Type.Optional(orderCopyFields.qty),
  customerId: Type.Optional(orderCopyFields.customerId),
});

export function payRoutes(ctx: PayContext): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, payments);

  app.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
    const header = request.headers['idempotency-key'];
    const key = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const { orderNo, itemNo, qty, customerId } = request.body;
    const { payment } = await makePaymentCommand(
      ctx,
      { orderNo, itemNo, qty: qty ?? 1, customerId: customerId ?? null },
      key,
      currentTraceparent(request),
    );
    const body = payments.resource(baseUrlOf(request), { ...payment, idempotencyKey: key });
    return hal(reply, 201, body, body._links.self.href);
  });
}
