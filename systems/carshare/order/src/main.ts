import { startService } from '@bounded/kernel';
import { orderService } from './service.ts';

await startService(orderService);
