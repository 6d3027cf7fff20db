/**
 * Whenever a member reserves a book, the book decides on its own row whether this rental holds
 * it (domain/book.ts); whenever the holder's rental is rented, returned or cancelled, the book
 * follows. The row is read locked, so two reservations of one book — on two partitions, or
 * two replicas of this service — are decided one after the other, each on the other's result.
 */
import type { RecordEvents } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import { payloadOf, type RentalLine, toNewEvent } from '../../../events.ts';
import { bookRows } from '../commands/retire-book.ts';
import { type Book, followRental, type RentalMove, reserveBook } from '../domain/book.ts';
import type { BookTables } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };
type Handler = (event: Event, trx: Kysely<BookTables>, record: RecordEvents) => Promise<void>;

const lineOf = (data: RentalLine): RentalLine => ({
  rentalId: data.rentalId,
  memberId: data.memberId,
  bookId: data.bookId,
});

async function write(
  trx: Kysely<BookTables>,
  record: RecordEvents,
  before: Book | undefined,
  decision: ReturnType<typeof reserveBook>,
): Promise<void> {
  if (!decision.ok) return; // nothing to change (a re-delivery, or not the holder)
  if (decision.state && decision.state !== before)
    await bookRows.save(trx, decision.state.id, decision.state);
  await record(decision.events.map(toNewEvent));
}

const reserve: Handler = async (event, trx, record) => {
  const line = lineOf(payloadOf('Reserved', event.data));
  const book = await bookRows.load(trx, line.bookId, { lock: true });
  await write(trx, record, book, reserveBook(book, line));
};

const follow =
  (move: RentalMove): Handler =>
  async (event, trx, record) => {
    const line = lineOf(payloadOf(move, event.data));
    const book = await bookRows.load(trx, line.bookId, { lock: true });
    await write(trx, record, book, followRental(book, move, line));
  };

export const holdBooks: Record<string, Handler> = {
  Reserved: reserve,
  Rentaled: follow('Rentaled'),
  Returned: follow('Returned'),
  RentalCancelled: follow('RentalCancelled'),
};
