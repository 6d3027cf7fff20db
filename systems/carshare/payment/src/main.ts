import { startService } from '@bounded/kernel';
import { paymentService } from './service.ts';

await startService(paymentService);
