/** Where coupons are read and written: the rental's row, a never-issued row, the decided state. */
import type { Kysely } from 'kysely';
import type { Coupon } from '../domain/coupon.ts';
import { type CouponTables, coupons } from '../resources.ts';

export function couponOf(trx: Kysely<CouponTables>, orderId: number): Promise<Coupon | undefined> {
  return coupons.loadBy(trx, 'orderId', orderId, { lock: true });
}

/** A row for a rental that has none yet (not issued): its id is what the decision names. */
export async function newCoupon(
  trx: Kysely<CouponTables>,
  rental: Pick<Coupon, 'orderId' | 'paymentId' | 'deliveryId' | 'customerId'>,
): Promise<Coupon> {
  const row = { ...rental, status: 'reclaimed' as const, issued: false, reclaimedBy: null };
  return { id: await coupons.insert(trx, row), ...row };
}

export function saveCoupon(trx: Kysely<CouponTables>, coupon: Coupon): Promise<void> {
  const { status, issued, reclaimedBy } = coupon;
  return coupons.update(trx, coupon.id, { status, issued, reclaimedBy });
}
