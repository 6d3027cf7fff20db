/**
 * The development set: a few books so the seed's calls (`bookId=2`) work on a fresh system.
 * Registered at start, not by a migration: a migration is schema history that runs in every
 * deployment and cannot be turned off, while these are sample data for local runs (BOOK_DEV_BOOKS,
 * as the auth service's AUTH_DEV_USERS). Idempotent: only an empty catalogue gets them, checked
 * and filled in one write transaction (SQLite's BEGIN IMMEDIATE serializes replicas starting
 * together), so restarts and a second replica add nothing and the ids are 1–5.
 */
import type { BookContext } from '../config.ts';
import { insertBook } from './register-book.ts';

export const DEV_BOOKS = ['어린 왕자', '데미안', '1984', '노인과 바다', '멋진 신세계'] as const;

export function registerDevBooks(ctx: BookContext): Promise<number> {
  return ctx.command(async (trx) => {
    const any = await trx.selectFrom('books').select('id').limit(1).executeTakeFirst();
    if (any) return 0;
    for (const title of DEV_BOOKS) await insertBook(trx, title);
    return DEV_BOOKS.length;
  });
}
