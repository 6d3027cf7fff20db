import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { CustomerTables } from './tables.ts';

export const customerConfig = Type.Object({
  /** Where to POST each message (Idempotency-Key = message id); unset: messages are logged. */
  NOTIFY_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  NOTIFY_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 2000 }),
  /** How often the sender looks for pending messages while there are some … */
  NOTIFY_POLL_MS: Type.Integer({ minimum: 1, default: 100 }),
  /** … and at most while there are none (an idle service costs one query a second). */
  NOTIFY_IDLE_POLL_MS: Type.Integer({ minimum: 1, default: 1000 }),
  /** The first retry's delay after a failed send; it doubles up to NOTIFY_MAX_RETRY_MS. */
  NOTIFY_FIRST_RETRY_MS: Type.Integer({ minimum: 1, default: 500 }),
  NOTIFY_MAX_RETRY_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  /** How long a replica's claim on a message lasts (longer than a send may take). */
  NOTIFY_LEASE_MS: Type.Integer({ minimum: 1, default: 30_000 }),
});

export type CustomerContext = ServiceContext<CustomerTables, BaseConfig & Static<typeof customerConfig>>;
