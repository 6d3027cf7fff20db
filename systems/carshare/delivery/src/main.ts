import { startService } from '@bounded/kernel';
import { deliveryService } from './service.ts';

await startService(deliveryService);
