import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { calleeConfig } from '@bounded/service-kit';
import { type Static, Type } from '@sinclair/typebox';
import type { DeliveryTables } from './resources.ts';

/** The cancel saga's two sync dependencies (URL, timeout, breaker: see calleeConfig) and its lease. */
export const deliveryConfig = Type.Composite([
  calleeConfig('coupon', 'http://127.0.0.1:8105'),
  calleeConfig('payment', 'http://127.0.0.1:8104'),
  Type.Object({
    /** How long a cancel being driven is held before the resume loop may take it over. */
    SAGA_LEASE_MS: Type.Integer({ minimum: 100, default: 5000 }),
    /** How often cancels left unfinished (a crash, a step in doubt) are resumed. */
    SAGA_RESUME_MS: Type.Integer({ minimum: 50, default: 1000 }),
  }),
]);

export type DeliveryContext = ServiceContext<DeliveryTables, BaseConfig & Static<typeof deliveryConfig>>;
