import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Static, Type } from '@sinclair/typebox';
import type { BookTables } from './tables.ts';

export const bookConfig = Type.Object({
  /**
   * Register the development set of books (ids 1–5) into an empty catalogue at start. Off by
   * default: a deployment's catalogue is the staff's; the local runner turns it on (system.ts).
   */
  BOOK_DEV_BOOKS: Type.Boolean({ default: false }),
});

export type BookContext = ServiceContext<BookTables, BaseConfig & Static<typeof bookConfig>>;
