/**
 * The coupon's routes. Coupons are offered by the Shipped policy; reclaims are made by the
 * cancel saga's sync call from delivery (seed POST /couponCancellations, idempotent on the
 * Idempotency-Key). Through the gateway customers and operators only read.
 */
import { randomUUID } from 'node:crypto';
import { currentTraceparent } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { hal, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { CustomerId, Id, requestKeyOf, toNumber } from '../../fields.ts';
import { reclaimCouponCommand } from './commands/reclaim-coupon.ts';
import type { Context } from './config.ts';
import { couponCancellations, coupons } from './resources.ts';

/** The seed's CouponCancellation body; its status="deliveryCancel" is the server's and ignored. */
const ReclaimBody = Type.Object({
  orderId: Id,
  paymentId: Type.Optional(Id),
  deliveryId: Type.Optional(Id),
  customerId: Type.Optional(CustomerId),
});

const optional = (v: number | string | undefined) => (v === undefined ? null : toNumber(v));

export function couponRoutes(ctx: Context): void {
  const { app } = ctx;

  app.post('/couponCancellations', { schema: { body: ReclaimBody } }, async (request, reply) => {
    const { orderId, paymentId, deliveryId, customerId } = request.body;
    const cancellation = await reclaimCouponCommand(
      ctx,
      {
        orderId: toNumber(orderId),
        paymentId: optional(paymentId),
        deliveryId: optional(deliveryId),
        customerId: customerId ?? null,
      },
      requestKeyOf(request.headers) ?? randomUUID(),
      currentTraceparent(request),
    );
    const body = couponCancellations.resource(baseUrlOf(request), cancellation);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  resourceRoutes(app, ctx.store.db, coupons);
  resourceRoutes(app, ctx.store.db, couponCancellations);
}
