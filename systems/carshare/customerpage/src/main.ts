import { startService } from '@bounded/kernel';
import { customerpageService } from './service.ts';

await startService(customerpageService);
