/** The customer service's tables, declared once: the history view and the notifications (with their sending state). */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

const Text = Type.String({ maxLength: LIMITS.text });
const Time = Type.String({ maxLength: 32 });

export const histories = declareResource({
  table: 'cleaning_histories',
  plural: 'cleaningHistories',
  singular: 'cleaningHistory',
  fields: Type.Object({
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    customerId: Nullable(Text),
    location: Nullable(Text),
    cost: Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.id })),
    status: Type.Union([
      Type.Literal('Requested'),
      Type.Literal('Confirmed'),
      Type.Literal('NoCleanerAvailable'),
      Type.Literal('Cancelled'),
      Type.Literal('Completed'),
    ]),
    cleanerName: Nullable(Text),
    cleanerTel: Nullable(Type.String({ maxLength: 64 })),
  }),
  unique: ['orderId'],
  indexes: ['customerId'],
  sortable: ['orderId', 'status'],
  filterable: ['orderId', 'status'],
  owner: 'customerId',
  links: (row) => ({ cleancall: `/cleancalls/${row.orderId}` }),
  notFound: 'CLEANINGHISTORY.NOT_FOUND',
});

export const notifications = declareResource({
  table: 'notifications',
  plural: 'notifications',
  singular: 'notification',
  fields: Type.Object({
    /** `<request>-<kind>`: stored once, sent under this Idempotency-Key. */
    messageId: Text,
    orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    customerId: Nullable(Text),
    kind: Type.Union([
      Type.Literal('Confirmed'),
      Type.Literal('NoCleanerAvailable'),
      Type.Literal('Cancelled'),
      Type.Literal('Completed'),
    ]),
    text: Type.String({ maxLength: 1000 }),
    cleanerName: Nullable(Text),
    cleanerTel: Nullable(Type.String({ maxLength: 64 })),
    /** Pending until the sending port took it (the log, or the webhook answered 2xx). */
    status: Type.Union([Type.Literal('Pending'), Type.Literal('Sent')]),
    attempts: Type.Integer({ minimum: 0, maximum: LIMITS.int }),
    createdAt: Time,
    sentAt: Nullable(Time),
    /** When the sender may try it (next): a claim moves it forward, a failure by the backoff. */
    nextAttemptAt: Time,
    lastError: Nullable(Type.String({ maxLength: 1000 })),
  }),
  hidden: ['nextAttemptAt', 'lastError'],
  unique: ['messageId'],
  indexes: ['customerId', 'status', 'orderId'],
  sortable: ['orderId', 'status', 'createdAt'],
  filterable: ['orderId', 'status', 'kind'],
  owner: 'customerId',
  links: (row) => ({ cleaningHistory: `/cleaningHistories?orderId=${row.orderId}` }),
  notFound: 'NOTIFICATION.NOT_FOUND',
});

export type NotificationRow = RowOf<typeof notifications>;

export interface CustomerTables {
  cleaning_histories: TableOf<typeof histories>;
  notifications: TableOf<typeof notifications>;
}

export const migrations = { '0001_histories_and_notifications': createTables(histories, notifications) };
