/**
 * Reclaim a rental's coupon (the cancel saga's first sync step: seed POST /couponCancellations).
 * Idempotent on the Idempotency-Key: a retried or resumed step gets the cancellation the first
 * call made, and no second CouponReclaimed. A rental whose coupon was not issued yet is
 * reclaimed all the same (see domain/coupon.ts): its later Shipped issues nothing.
 */
import { decided } from '@bounded/service-kit';
import { againOnUniqueViolation } from '@bounded/store';
import { toNewEvent } from '../../../events.ts';
import type { Context } from '../config.ts';
import { reclaim } from '../domain/coupon.ts';
import { couponCancellations } from '../resources.ts';
import { couponOf, newCoupon, saveCoupon } from './store-coupon.ts';

export interface ReclaimRequest {
  readonly orderId: number;
  readonly paymentId: number | null;
  readonly deliveryId: number | null;
  readonly customerId: string | null;
}

export function reclaimCouponCommand(
  ctx: Context,
  request: ReclaimRequest,
  idempotencyKey: string,
  traceparent?: string,
) {
  return againOnUniqueViolation(() =>
    ctx.command(async (trx, record) => {
      const replayed = await couponCancellations.loadBy(trx, 'idempotencyKey', idempotencyKey);
      if (replayed) return replayed;
      const coupon = (await couponOf(trx, request.orderId)) ?? (await newCoupon(trx, request));
      const id = await couponCancellations.insert(trx, {
        orderId: request.orderId,
        paymentId: request.paymentId ?? coupon.paymentId,
        deliveryId: request.deliveryId ?? coupon.deliveryId,
        couponId: coupon.id,
        customerId: coupon.customerId ?? request.customerId,
        status: 'reclaimed',
        idempotencyKey,
      });
      const { state, events } = decided(reclaim(coupon, id));
      await saveCoupon(trx, state);
      await record(events.map(toNewEvent));
      return (await couponCancellations.load(trx, id))!;
    }, traceparent),
  );
}
