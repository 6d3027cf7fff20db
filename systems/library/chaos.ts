/**
 * library under chaos (`npm run chaos -- --system library`): members reserve books (most of them
 * contested), rent, return and cancel; staff add books now and then. At the end every accepted
 * reservation exists once with one payment, refunded exactly when it was cancelled or rejected;
 * no book has two live holders and each book shows its holder's state; and mypage equals the
 * rental, its payment and its book.
 */
import {
  byColumn,
  type ChaosClient,
  type ChaosScenario,
  type Databases,
  Findings,
  type Json,
  type Ledger,
} from '@bounded/runner/chaos';

const MEMBERS = ['customer1', 'customer2'];
/** The development catalogue (BOOK_DEV_BOOKS=1): books 1–5. */
const DEV_BOOKS = [1, 2, 3, 4, 5];
const REFUNDED = new Set(['cancel', 'rejected']);
/** What a book holds for each state of its holder's rental. */
const BOOK_OF: Record<string, string> = {
  reserve: 'reserved',
  rental: 'rentaled',
  return: 'returned',
  cancel: 'refunded',
};
/** The state a member's PATCH moves a rental on to, from the state it must be in. */
const NEXT: Record<string, readonly string[]> = { reserve: ['rental', 'cancel'], rental: ['return'] };

async function reserve(client: ChaosClient): Promise<void> {
  const books = [...DEV_BOOKS, ...client.ledger.subjects('book', 'accepted')];
  await client.send({
    kind: 'reserve',
    who: client.random.pick(MEMBERS)!,
    method: 'POST',
    path: '/rentals',
    body: { bookId: client.random.pick(books) },
  });
}

async function addBook(client: ChaosClient): Promise<void> {
  await client.send({
    kind: 'book',
    who: 'staff1',
    method: 'POST',
    path: '/books',
    body: { title: 'chaos' },
  });
}

/** The member moves one of their rentals on, from the state it has now. */
async function moveOn(client: ChaosClient): Promise<void> {
  const rental = client.random.pick(client.ledger.of('reserve', 'accepted'));
  if (!rental) return reserve(client);
  const now = await client.read(rental.who, `/rentals/${rental.subject}`);
  const next = client.random.pick(NEXT[now?.reqState] ?? []);
  if (!next) return;
  await client.send({
    kind: next,
    who: rental.who,
    method: 'PATCH',
    path: `/rentals/${rental.subject}`,
    body: { reqState: next },
    subject: rental.subject,
  });
}

interface Tables {
  rentals: Json[];
  payments: Json[];
  books: Json[];
  pages: Json[];
}

function read(db: Databases): Tables {
  return {
    rentals: db.all('rental', 'select id, memberId, bookId, reqState from rentals'),
    payments: db.all('payment', 'select id, payStatus from payments'),
    books: db.all('book', 'select id, bookStatus, memberId, rentalId from books'),
    pages: db.all('mypage', 'select id, memberId, bookId, reqState, payStatus, bookStatus from mypages'),
  };
}

function check(db: Databases, ledger: Ledger): Findings['list'] {
  const t = read(db);
  const found = new Findings();
  found.notMoreThanTried(ledger, 'reserve', t.rentals, {
    saved: 'rentals saved',
    tried: 'reservations sent',
  });
  const live = t.rentals.filter((r) => r.reqState === 'reserve' || r.reqState === 'rental');
  found.unique('live rentals per book', live, 'bookId');
  checkAccepted(found, t, ledger);
  checkRentals(found, t);
  checkPages(found, t);
  return found.list;
}

/** Every 2xx left its effect (a rejection, decided later by the book, overrides any of them). */
function checkAccepted(found: Findings, t: Tables, ledger: Ledger): void {
  const rentals = byColumn(t.rentals, 'id');
  const after: Record<string, readonly string[]> = {
    rental: ['rental', 'return', 'rejected'],
    return: ['return', 'rejected'],
    cancel: ['cancel', 'rejected'],
  };
  found.effects(
    ledger,
    { kind: 'reserve', rows: rentals, what: 'reservation', answered: 201 },
    ...Object.entries(after).map(([kind, states]) => ({
      kind,
      rows: rentals,
      what: `${kind} of rental`,
      answered: 200,
      field: 'reqState',
      states,
      row: 'the rental',
    })),
  );
}

/** Rental, payment and book agree: paid once, refunded exactly when ended so, one holder per book. */
function checkRentals(found: Findings, t: Tables): void {
  const payments = byColumn(t.payments, 'id');
  const rentals = byColumn(t.rentals, 'id');
  const holders = byColumn(
    t.books.filter((b) => b.rentalId !== null),
    'rentalId',
  );
  for (const rental of t.rentals) {
    const says = (what: string) => found.add('saga', `rental ${rental.id} (${rental.reqState}): ${what}`);
    const payment = payments.get(rental.id);
    if (!payment) found.add('lost', `rental ${rental.id} has no payment`);
    else if (payment.payStatus !== (REFUNDED.has(rental.reqState) ? 'Refunded' : 'Paid'))
      says(`its payment is ${payment.payStatus}`);
    const book = holders.get(rental.id);
    if (rental.reqState === 'rejected') {
      if (book) says(`rejected, yet book ${book.id} is held by it`);
    } else if (!book) {
      // A returned or cancelled rental's book may have gone to the next member since.
      if (rental.reqState === 'reserve' || rental.reqState === 'rental')
        says(`book ${rental.bookId} is not held by it`);
    } else if (book.bookStatus !== BOOK_OF[rental.reqState] || book.memberId !== rental.memberId)
      says(`book ${book.id} is ${book.bookStatus} for ${book.memberId}`);
  }
  for (const payment of t.payments)
    if (!rentals.has(payment.id) && payment.payStatus !== 'Refunded')
      found.add('saga', `payment ${payment.id} is Paid but the rental was never saved (no refund)`);
}

/** mypage holds one row per rental, equal to the rental, its payment and (while it holds it) its book. */
function checkPages(found: Findings, t: Tables): void {
  const pages = byColumn(t.pages, 'id');
  const payments = byColumn(t.payments, 'id');
  const holders = byColumn(
    t.books.filter((b) => b.rentalId !== null),
    'rentalId',
  );
  for (const rental of t.rentals) {
    const page = pages.get(rental.id);
    if (!page) {
      found.add('view', `rental ${rental.id} has no mypage row`);
      continue;
    }
    const book = holders.get(rental.id);
    const expected: Json = {
      memberId: rental.memberId,
      bookId: rental.bookId,
      reqState: rental.reqState,
      payStatus: payments.get(rental.id)?.payStatus ?? null,
      bookStatus: rental.reqState === 'rejected' ? 'rejected' : (book?.bookStatus ?? page.bookStatus),
    };
    const wrong = Object.entries(expected).filter(([field, value]) => page[field] !== value);
    if (wrong.length > 0)
      found.add(
        'view',
        `mypage of rental ${rental.id}: ${wrong.map(([f, v]) => `${f} ${page[f]} ≠ ${v}`).join(', ')}`,
      );
  }
  const rentals = byColumn(t.rentals, 'id');
  for (const page of t.pages)
    if (!rentals.has(page.id) && payments.get(page.id)?.payStatus !== 'Refunded')
      found.add('view', `mypage has a row for rental ${page.id}, which does not exist`);
}

export const chaos: ChaosScenario = {
  users: [...MEMBERS, 'staff1'],
  async step(client) {
    const action = client.random.weighted({ reserve: 4, move: 4, book: 1 });
    await (action === 'reserve' ? reserve(client) : action === 'move' ? moveOn(client) : addBook(client));
  },
  check,
};
