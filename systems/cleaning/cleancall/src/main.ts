import { startService } from '@bounded/kernel';
import { cleanCallService } from './service.ts';

await startService(cleanCallService);
