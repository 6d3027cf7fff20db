import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import type { CouponTables } from './resources.ts';

export type Context = ServiceContext<CouponTables, BaseConfig>;
