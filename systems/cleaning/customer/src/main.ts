import { startService } from '@bounded/kernel';
import { customerService } from './service.ts';

await startService(customerService);
