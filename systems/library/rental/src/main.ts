import { startService } from '@bounded/kernel';
import { rentalService } from './service.ts';

await startService(rentalService);
