import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { OrderTables } from './resources.ts';

export const orderConfig = Type.Object({
  /** Where payment listens (the one sync dependency of a rental). */
  PAYMENT_URL: Type.String({ default: 'http://127.0.0.1:8104' }),
  PAYMENT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 1000 }),
  /** Consecutive failed payment calls that open the breaker. */
  PAYMENT_BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 3 }),
  /** How long the open breaker sheds load before it lets one probe through. */
  PAYMENT_HALF_OPEN_MS: Type.Integer({ minimum: 1, default: 3000 }),
});

export type OrderContext = ServiceContext<OrderTables, BaseConfig & Static<typeof orderConfig>>;
