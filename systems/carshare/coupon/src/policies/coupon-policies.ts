/**
 * Whenever a car is delivered (Shipped), a coupon is offered — unless the rental already has its
 * row (offered, or reclaimed before Shipped arrived). Whenever the cancel saga undoes a reclaim
 * (CouponReofferRequested, its compensation), the coupon is offered again if that reclaim is
 * still the current one. Whenever a delivery is cancelled for a reason no saga reclaimed for
 * (a rental refunded because it was never saved), the coupon is taken back.
 */
import type { RecordEvents } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import type { Kysely } from 'kysely';
import { orderIdOf, type PolicyEvent, payloadOf, toNewEvent } from '../../../events.ts';
import { couponOf, newCoupon, saveCoupon } from '../commands/store-coupon.ts';
import { earnedWhileReclaimed, offer, reclaim, undoReclaim } from '../domain/coupon.ts';
import { type CouponTables, couponCancellations, coupons } from '../resources.ts';

type Handler = (event: PolicyEvent, trx: Kysely<CouponTables>, record: RecordEvents) => Promise<void>;

export const couponPolicies: Record<string, Handler> = {
  Shipped: async (event, trx, record) => {
    const shipped = payloadOf('Shipped', event.data);
    const existing = await couponOf(trx, shipped.orderId);
    if (existing) {
      // Offered already, or reclaimed before it was issued: then earned, should the reclaim be undone.
      const earned = earnedWhileReclaimed(existing);
      if (earned !== existing) await coupons.update(trx, existing.id, { issued: earned.issued });
      return;
    }
    const rental = {
      orderId: shipped.orderId,
      paymentId: shipped.paymentId,
      deliveryId: shipped.id,
      customerId: shipped.customerId,
    };
    const row = { ...rental, status: 'offered' as const, issued: true, reclaimedBy: null };
    const id = await coupons.insert(trx, row);
    const { events } = decided(offer(undefined, { id, ...row }));
    await record(events.map(toNewEvent));
  },
  CouponReofferRequested: async (event, trx, record) => {
    const { couponCancellationId } = payloadOf('CouponReofferRequested', event.data);
    const coupon = await couponOf(trx, orderIdOf(event));
    if (!coupon) return;
    const decision = undoReclaim(coupon, couponCancellationId);
    if (!decision.ok) return; // reclaimed again since, or undone already: that stands
    await couponCancellations.update(trx, couponCancellationId, { status: 'undone' });
    if (decision.state.kind === 'reoffered') await saveCoupon(trx, decision.state.coupon);
    else await trx.deleteFrom('coupons').where('id', '=', coupon.id).execute();
    await record(decision.events.map(toNewEvent));
  },
  DeliveryCanceled: async (event, trx, record) => {
    const canceled = payloadOf('DeliveryCanceled', event.data);
    if (canceled.reason !== 'PaymentRefunded') return; // the saga reclaimed it synchronously
    const existing = await couponOf(trx, canceled.orderId);
    if (existing?.status === 'reclaimed') return;
    const rental = { ...canceled, deliveryId: canceled.id };
    const { state, events } = decided(reclaim(existing ?? (await newCoupon(trx, rental)), null));
    await saveCoupon(trx, state);
    await record(events.map(toNewEvent));
  },
};
