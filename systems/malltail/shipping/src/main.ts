import { startService } from '@bounded/kernel';
import { shippingService } from './service.ts';

await startService(shippingService);
