/** Staff register a copy in the catalogue (`POST /books title=…`): free until reserved. */
import type { Kysely } from 'kysely';
import type { BookContext } from '../config.ts';
import { type Book, register } from '../domain/book.ts';
import { type BookTables, books } from '../tables.ts';

export async function insertBook(trx: Kysely<BookTables>, title: string): Promise<Book> {
  const fresh = register(0, title);
  const id = await books.insert(trx, { title, bookStatus: fresh.bookStatus, memberId: null, rentalId: null });
  return { ...fresh, id };
}

export function registerBookCommand(ctx: BookContext, title: string, traceparent?: string): Promise<Book> {
  return ctx.command((trx) => insertBook(trx, title), traceparent);
}
