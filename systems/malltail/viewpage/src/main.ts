import { startService } from '@bounded/kernel';
import { viewPageService } from './service.ts';

await startService(viewPageService);
