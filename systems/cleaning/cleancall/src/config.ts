import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { calleeConfig } from '@bounded/service-kit';
import type { Static } from '@sinclair/typebox';
import type { CleanCallTables } from './tables.ts';

/** Its sync dependency (cleanmanage): URL, timeout, breaker (see calleeConfig). */
export const cleanCallConfig = calleeConfig('cleanmanage', 'http://127.0.0.1:8302');

export type CleanCallContext = ServiceContext<CleanCallTables, BaseConfig & Static<typeof cleanCallConfig>>;
