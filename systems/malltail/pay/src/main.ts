import { startService } from '@bounded/kernel';
import { payService } from './service.ts';

await startService(payService);
