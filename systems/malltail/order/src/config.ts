import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { calleeConfig } from '@bounded/service-kit';
import type { Static } from '@sinclair/typebox';
import type { OrderTables } from './tables.ts';

/** Its sync dependency (pay): URL, timeout, breaker (see calleeConfig). */
export const orderConfig = calleeConfig('pay', 'http://127.0.0.1:8502');

export type OrderContext = ServiceContext<OrderTables, BaseConfig & Static<typeof orderConfig>>;
