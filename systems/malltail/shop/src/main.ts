import { startService } from '@bounded/kernel';
import { shopService } from './service.ts';

await startService(shopService);
