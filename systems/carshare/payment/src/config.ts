import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { PaymentTables } from './resources.ts';

export const paymentConfig = Type.Object({
  /** Fault injection for drills and tests: answer every payment this much later. */
  PAYMENT_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  /** Fault injection: answer every payment cancellation this much later (after doing it). */
  PAYMENT_CANCEL_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
});

export type PaymentContext = ServiceContext<PaymentTables, BaseConfig & Static<typeof paymentConfig>>;
