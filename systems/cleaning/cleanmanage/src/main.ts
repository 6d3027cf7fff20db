import { startService } from '@bounded/kernel';
import { cleanManageService } from './service.ts';

await startService(cleanManageService);
