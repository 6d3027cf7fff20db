/** The coupon service's stored resources, declared once (table, migration, HAL, read routes). */
import { createTables, declareResource, LIMITS, Nullable, type TableOf } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { SEE_ALL } from '../../fields.ts';

const Id = Type.Integer({ minimum: 1, maximum: LIMITS.id });
const Customer = Nullable(Type.String({ maxLength: LIMITS.text }));

export const coupons = declareResource({
  table: 'coupons',
  plural: 'coupons',
  fields: Type.Object({
    orderId: Id,
    paymentId: Nullable(Id),
    deliveryId: Nullable(Id),
    customerId: Customer,
    status: Type.Union([Type.Literal('offered'), Type.Literal('reclaimed')]),
    issued: Type.Boolean(),
    reclaimedBy: Nullable(Id),
  }),
  serverOwned: ['status', 'issued', 'reclaimedBy', 'customerId'],
  unique: ['orderId'],
  indexes: ['customerId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  notFound: 'COUPON.NOT_FOUND',
});

export const couponCancellations = declareResource({
  table: 'coupon_cancellations',
  plural: 'couponCancellations',
  fields: Type.Object({
    orderId: Id,
    paymentId: Nullable(Id),
    deliveryId: Nullable(Id),
    couponId: Id,
    customerId: Customer,
    /** reclaimed, or undone by the cancel saga's compensation. */
    status: Type.Union([Type.Literal('reclaimed'), Type.Literal('undone')]),
    idempotencyKey: Type.String({ maxLength: LIMITS.text }),
  }),
  serverOwned: ['status', 'couponId', 'customerId'],
  hidden: ['idempotencyKey'],
  unique: ['idempotencyKey'],
  indexes: ['orderId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ coupon: `/coupons/${row.couponId}` }),
  notFound: 'COUPON_CANCELLATION.NOT_FOUND',
});

export interface CouponTables {
  coupons: TableOf<typeof coupons>;
  coupon_cancellations: TableOf<typeof couponCancellations>;
}

export const migrations = { '0001_coupons': createTables(coupons, couponCancellations) };
