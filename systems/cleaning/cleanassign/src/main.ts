import { startService } from '@bounded/kernel';
import { cleanAssignService } from './service.ts';

await startService(cleanAssignService);
