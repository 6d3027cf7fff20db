import { startService } from '@bounded/kernel';
import { orderManagementService } from './service.ts';

await startService(orderManagementService);
