import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { calleeConfig } from '@bounded/service-kit';
import type { Static } from '@sinclair/typebox';
import type { RentalTables } from './tables.ts';

/** Its sync dependency (payment): URL, timeout, breaker (see calleeConfig). */
export const rentalConfig = calleeConfig('payment', 'http://127.0.0.1:8402');

export type RentalContext = ServiceContext<RentalTables, BaseConfig & Static<typeof rentalConfig>>;
