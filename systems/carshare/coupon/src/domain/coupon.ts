/**
 * The Coupon aggregate: the reward for a delivered rental (seed: `offered` on Shipped) and its
 * reclaim when the rental is cancelled (seed: CouponCancellation). Pure.
 *
 * One coupon row per rental, whatever happens first:
 *  - Shipped first → the coupon is offered; a reclaim later takes it back.
 *  - a reclaim first (the coupon service was down and has not seen Shipped yet) → the row is
 *    stored already reclaimed and never issued (`issued` false), so the late Shipped finds the
 *    row and issues nothing — but it marks the coupon earned (`issued` true, still reclaimed), so
 *    that undoing that reclaim offers it after all (the chaos tier found the coupon lost when
 *    the cancel saga undid a reclaim whose Shipped had come in between).
 * A reclaim is undone (the cancel saga's compensation) only if it is still the coupon's CURRENT
 * reclaim (`reclaimedBy`): a client's retry may have reclaimed it again meanwhile, and that newer
 * reclaim must stand. Undone, an issued coupon is offered again; a never-issued one is forgotten,
 * so a later Shipped may still issue it.
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { CarshareEvent } from '../../../events.ts';

export type CouponStatus = 'offered' | 'reclaimed';

export interface Coupon {
  readonly id: number;
  readonly orderId: number;
  readonly paymentId: number | null;
  readonly deliveryId: number | null;
  readonly customerId: string | null;
  readonly status: CouponStatus;
  /** Whether the coupon was earned (Shipped seen); false: a reclaim came before Shipped. */
  readonly issued: boolean;
  /** The CouponCancellation that reclaimed it, while it is reclaimed by one. */
  readonly reclaimedBy: number | null;
}

type CouponDecision = Decision<Coupon, CarshareEvent>;

/** A delivered rental earns a coupon (requirement 4), unless a row for it exists already. */
export function offer(existing: Coupon | undefined, issued: Coupon): CouponDecision {
  if (existing) return refuse('COUPON.EXISTS', `rental ${issued.orderId} already has its coupon row`);
  const { id, orderId, paymentId, deliveryId, customerId } = issued;
  return accept({ ...issued, status: 'offered', issued: true, reclaimedBy: null }, [
    {
      type: 'CouponOffered',
      data: { id, orderId, paymentId, deliveryId, customerId, status: 'offered', reoffered: false },
    },
  ]);
}

/**
 * Takes the coupon back for the cancellation `by` (null: a reclaim no cancellation asked for).
 * `coupon` is the rental's row, or a fresh never-issued one when there was none.
 */
export function reclaim(coupon: Coupon, by: number | null): CouponDecision {
  const wasOffered = coupon.status === 'offered';
  return accept({ ...coupon, status: 'reclaimed', reclaimedBy: by }, [
    {
      type: 'CouponReclaimed',
      data: {
        id: coupon.id,
        orderId: coupon.orderId,
        couponCancellationId: by,
        wasOffered,
        status: 'reclaimed',
      },
    },
  ]);
}

/** Shipped arriving after the reclaim that made the row: the reclaim stands, the coupon is earned. */
export function earnedWhileReclaimed(coupon: Coupon): Coupon {
  return coupon.issued ? coupon : { ...coupon, issued: true };
}

/** What undoing the reclaim `by` leaves: the coupon offered again, or no row at all (never issued). */
export type Undone =
  | { readonly kind: 'reoffered'; readonly coupon: Coupon }
  | { readonly kind: 'forgotten'; readonly coupon: Coupon };

export function undoReclaim(coupon: Coupon, by: number): Decision<Undone, CarshareEvent> {
  if (coupon.status !== 'reclaimed' || coupon.reclaimedBy !== by)
    return refuse('COUPON.RECLAIM_NOT_CURRENT', `reclaim ${by} of rental ${coupon.orderId} is not current`);
  const { id, orderId, paymentId, deliveryId, customerId } = coupon;
  if (!coupon.issued) {
    return accept({ kind: 'forgotten', coupon }, [
      { type: 'CouponReclaimUndone', data: { orderId, couponCancellationId: by, status: 'notIssued' } },
    ]);
  }
  return accept({ kind: 'reoffered', coupon: { ...coupon, status: 'offered', reclaimedBy: null } }, [
    {
      type: 'CouponOffered',
      data: { id, orderId, paymentId, deliveryId, customerId, status: 'offered', reoffered: true },
    },
  ]);
}
