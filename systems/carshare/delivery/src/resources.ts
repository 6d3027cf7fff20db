/** The delivery service's stored resources, declared once (table, migration, HAL, read routes). */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type SagaTables,
  sagaMigrations,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { SEE_ALL } from '../../fields.ts';

const Id = Type.Integer({ minimum: 1, maximum: LIMITS.id });
const Customer = Nullable(Type.String({ maxLength: LIMITS.text }));

export const deliveries = declareResource({
  table: 'deliveries',
  plural: 'deliveries',
  fields: Type.Object({
    orderId: Id,
    paymentId: Id,
    productId: Nullable(Id),
    qty: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.int })),
    customerId: Customer,
    status: Type.Union([Type.Literal('Shipped'), Type.Literal('Cancelled')]),
  }),
  serverOwned: ['status', 'customerId'],
  unique: ['orderId'],
  indexes: ['customerId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ order: `/orders/${row.orderId}` }),
  notFound: 'DELIVERY.NOT_FOUND',
});

/** A customer's cancellation of a rental: what the cancel saga did, step by step. */
export const cancellations = declareResource({
  table: 'cancellations',
  plural: 'cancellations',
  fields: Type.Object({
    orderId: Id,
    paymentId: Id,
    deliveryId: Id,
    customerId: Customer,
    couponCancellationId: Id,
    paymentCancellationId: Id,
    status: Type.Literal('deliveryCancelled'),
  }),
  serverOwned: ['status', 'customerId', 'deliveryId', 'couponCancellationId', 'paymentCancellationId'],
  unique: ['orderId'],
  indexes: ['customerId'],
  sortable: ['orderId'],
  filterable: ['orderId'],
  owner: 'customerId',
  seeAll: SEE_ALL,
  links: (row) => ({ delivery: `/deliveries/${row.deliveryId}` }),
  notFound: 'CANCELLATION.NOT_FOUND',
});

export interface DeliveryTables extends SagaTables {
  deliveries: TableOf<typeof deliveries>;
  cancellations: TableOf<typeof cancellations>;
}

export const migrations = { ...sagaMigrations, '0001_deliveries': createTables(deliveries, cancellations) };
