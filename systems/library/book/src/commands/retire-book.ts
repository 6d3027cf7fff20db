/** Staff retire a book (`POST /books/{id}/retire`, or `PATCH /books/{id} bookStatus=retired`). */
import { decideOnRow, type RowStore } from '@bounded/service-kit';
import { type LibraryEvent, toNewEvent } from '../../../events.ts';
import type { BookContext } from '../config.ts';
import { type Book, retire } from '../domain/book.ts';
import { type BookTables, books } from '../tables.ts';

export const bookRows: RowStore<BookTables, Book, LibraryEvent> = {
  load: (db, id, options) => books.load(db, id, options),
  notFound: (id) => books.notFoundError(id),
  save: (trx, id, book) =>
    books.update(trx, id, { bookStatus: book.bookStatus, memberId: book.memberId, rentalId: book.rentalId }),
  toNewEvent,
};

export function retireBookCommand(ctx: BookContext, id: number, traceparent?: string): Promise<Book> {
  return decideOnRow(ctx, bookRows, id, retire, traceparent);
}
