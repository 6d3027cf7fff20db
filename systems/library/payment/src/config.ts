import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { PaymentTables } from './tables.ts';

export const paymentConfig = Type.Object({
  /** Fault injection for drills and tests: answer every payment this much later. */
  PAYMENT_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
});

export type PaymentContext = ServiceContext<PaymentTables, BaseConfig & Static<typeof paymentConfig>>;
