/** The book's stored resource: the catalogue, each copy with its status and its holder. */
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  type TableOf,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';

export const books = declareResource({
  table: 'books',
  plural: 'books',
  fields: Type.Object({
    title: Type.String({ minLength: 1, maxLength: LIMITS.text }),
    bookStatus: Type.Union([
      Type.Literal('available'),
      Type.Literal('reserved'),
      Type.Literal('rentaled'),
      Type.Literal('returned'),
      Type.Literal('refunded'),
      Type.Literal('retired'),
    ]),
    memberId: Nullable(Type.String({ maxLength: LIMITS.text })),
    rentalId: Nullable(Type.Integer({ minimum: 1, maximum: LIMITS.id })),
  }),
  // Staff send a title; who holds the book is decided by reservations only.
  serverOwned: ['bookStatus', 'memberId', 'rentalId'],
  // Who holds a book is the staff's to see (http.ts leaves these out for members).
  withheld: ['memberId', 'rentalId'],
  indexes: ['rentalId'],
  sortable: ['title', 'bookStatus'],
  filterable: ['bookStatus', 'memberId', 'rentalId'],
  notFound: 'BOOK.NOT_FOUND',
});

export type BookRow = RowOf<typeof books>;
export interface BookTables {
  books: TableOf<typeof books>;
}

export const migrations = { '0001_books': createTables(books) };
