import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { CleanAssignTables } from './tables.ts';

export const cleanAssignConfig = Type.Object({
  /** Register the development set's cleaners (cleaner1, cleaner2) at start, if missing. */
  DEV_CLEANERS: Type.Boolean({ default: false }),
});

export type CleanAssignContext = ServiceContext<
  CleanAssignTables,
  BaseConfig & Static<typeof cleanAssignConfig>
>;
