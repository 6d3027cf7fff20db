import { startService } from '@bounded/kernel';
import { couponService } from './service.ts';

await startService(couponService);
