import { startService } from '@bounded/kernel';
import { bookService } from './service.ts';

await startService(bookService);
