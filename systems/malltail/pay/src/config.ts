import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { PayTables } from './tables.ts';

export const payConfig = Type.Object({
  /** Fault injection for drills and tests: answer every payment this much later. */
  PAY_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  /** Fault injection: answer every payment with 503. */
  PAY_FAIL: Type.Boolean({ default: false }),
});

export type PayContext = ServiceContext<PayTables, BaseConfig & Static<typeof payConfig>>;
