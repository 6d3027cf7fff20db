import { startService } from '@bounded/kernel';
import { myPageService } from './service.ts';

await startService(myPageService);
