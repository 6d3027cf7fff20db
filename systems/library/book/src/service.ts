/** The book service: the catalogue, and the one judge of who holds each book. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { registerDevBooks } from './commands/dev-books.ts';
import { bookConfig } from './config.ts';
import { bookRoutes } from './http.ts';
import { holdBooks } from './policies/hold-books.ts';
import { type BookTables, migrations } from './tables.ts';

export const bookService: ServiceDefinition<BookTables, typeof bookConfig> = {
  name: 'book',
  topic: TOPIC,
  config: bookConfig,
  migrations,
  async setup(ctx) {
    if (ctx.config.BOOK_DEV_BOOKS) await registerDevBooks(ctx);
    bookRoutes(ctx);
    ctx.policies(holdBooks);
  },
};
