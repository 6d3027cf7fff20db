import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { CleanManageTables } from './tables.ts';

export const cleanManageConfig = Type.Object({
  /** Fault injection for drills and tests: answer every registration this much later. */
  CLEANMANAGE_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  /** Fault injection: answer every registration with 503. */
  CLEANMANAGE_FAIL: Type.Boolean({ default: false }),
});

export type CleanManageContext = ServiceContext<
  CleanManageTables,
  BaseConfig & Static<typeof cleanManageConfig>
>;
