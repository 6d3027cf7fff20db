import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { CleanCallTables } from './tables.ts';

export const cleanCallConfig = Type.Object({
  /** Where cleanmanage listens (the one sync dependency: operations registers every request). */
  CLEANMANAGE_URL: Type.String({ default: 'http://127.0.0.1:8302' }),
  CLEANMANAGE_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 1000 }),
  /** Consecutive failed calls that open the breaker. */
  CLEANMANAGE_BREAKER_FAILURES: Type.Integer({ minimum: 1, default: 3 }),
  /** How long the open breaker sheds load before it lets one probe through. */
  CLEANMANAGE_HALF_OPEN_MS: Type.Integer({ minimum: 1, default: 3000 }),
});

export type CleanCallContext = ServiceContext<CleanCallTables, BaseConfig & Static<typeof cleanCallConfig>>;
