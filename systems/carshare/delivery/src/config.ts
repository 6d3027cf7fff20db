import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { DeliveryTables } from './resources.ts';

/** The cancel saga's two sync dependencies, each with a timeout and a breaker. */
export const deliveryConfig = Type.Object({
  COUPON_URL: Type.String({ default: 'http://127.0.0.1:8105' }),
  COUPON_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 1000 }),
  COUPON_BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 3 }),
  COUPON_HALF_OPEN_MS: Type.Integer({ minimum: 1, default: 3000 }),
  PAYMENT_URL: Type.String({ default: 'http://127.0.0.1:8104' }),
  PAYMENT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 1000 }),
  PAYMENT_BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 3 }),
  PAYMENT_HALF_OPEN_MS: Type.Integer({ minimum: 1, default: 3000 }),
  /** How long a cancel being driven is held before the resume loop may take it over. */
  SAGA_LEASE_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /** How often cancels left unfinished (a crash, a step in doubt) are resumed. */
  SAGA_RESUME_MS: Type.Integer({ minimum: 50, default: 1000 }),
});

export type DeliveryContext = ServiceContext<DeliveryTables, BaseConfig & Static<typeof deliveryConfig>>;
