/**
 * Two members reserving one free book at the same moment, on real processes, over many books
 * and with TWO replicas of the book service sharing its database and consumer group: for every
 * book exactly one reservation holds it and the other ends rejected and refunded, and rental,
 * payment, book and mypage agree. A second round on the same books (freed by cancels) races again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceProcess } from '@bounded/service-kit/testing';
import { type Json, library } from './harness.ts';

const BOOKS = 40;

describe('library: two members racing for one book (real processes, two book replicas)', {
  timeout: 120_000,
}, () => {
  let l: Awaited<ReturnType<typeof library>>;
  let book2: ServiceProcess;

  before(async () => {
    l = await library('library-race-');
    await l.startAll();
    book2 = await l.replica('book');
  });
  after(async () => {
    await l.stopAll();
  });

  /** Both members reserve every book at once; then every book has one holder, the other is refunded. */
  async function race(books: number[]): Promise<Map<number, Json>> {
    // Ten books at a time (twenty reservations in flight): the rental's payment client sheds
    // calls beyond its bulkhead (64 in flight) with 503, which is not what this test is about.
    const pairs: Array<{ bookId: number; a: Json; b: Json }> = [];
    for (let i = 0; i < books.length; i += 10) {
      const chunk = await Promise.all(
        books.slice(i, i + 10).map(async (bookId) => {
          const [a, b] = await Promise.all([l.reserve(bookId, 'customer1'), l.reserve(bookId, 'customer2')]);
          return { bookId, a, b };
        }),
      );
      pairs.push(...chunk);
    }
    const settled = (r: Json) => r.reqState === 'rejected' || r.reqState === 'reserve';
    await l.until('every book decided', async () => {
      const held = await l.all('book', '/books?bookStatus=reserved', 'books');
      return held.filter((b) => books.includes(b.id)).length === books.length;
    });
    await l.until('every loser rejected', async () => {
      const rentals = new Map((await l.all('rental', '/rentals', 'rentals')).map((r) => [r.id, r]));
      return pairs.every(
        ({ a, b }) =>
          settled(rentals.get(a.id)!) &&
          settled(rentals.get(b.id)!) &&
          [rentals.get(a.id)!.reqState, rentals.get(b.id)!.reqState].includes('rejected'),
      );
    });
    const rentals = new Map((await l.all('rental', '/rentals', 'rentals')).map((r) => [r.id, r]));
    const bookRows = new Map((await l.all('book', '/books', 'books')).map((b) => [b.id, b]));
    const winners = new Map<number, Json>();
    for (const { bookId, a, b } of pairs) {
      const holder = bookRows.get(bookId)!;
      const [winner, loser] = holder.rentalId === a.id ? [a, b] : [b, a];
      assert.ok([a.id, b.id].includes(holder.rentalId), `book ${bookId} held by one of its two`);
      assert.equal(holder.bookStatus, 'reserved');
      assert.equal(holder.memberId, winner.memberId);
      assert.equal(rentals.get(winner.id)!.reqState, 'reserve', `book ${bookId}: the holder's rental`);
      assert.equal(rentals.get(loser.id)!.reqState, 'rejected', `book ${bookId}: exactly one wins`);
      winners.set(bookId, winner);
    }
    const losers = pairs.map(({ a, b }) => (winners.get(a.bookId)!.id === a.id ? b : a));
    await l.until('losers refunded, in mypage too', async () => {
      const payments = new Map((await l.all('payment', '/payments', 'payments')).map((p) => [p.id, p]));
      const views = new Map((await l.all('mypage', '/mypages', 'mypages')).map((v) => [v.id, v]));
      return (
        losers.every(
          (r) =>
            payments.get(r.id)?.payStatus === 'Refunded' &&
            views.get(r.id)?.reqState === 'rejected' &&
            views.get(r.id)?.payStatus === 'Refunded' &&
            views.get(r.id)?.bookStatus === 'rejected',
        ) &&
        [...winners.values()].every(
          (r) =>
            payments.get(r.id)?.payStatus === 'Paid' &&
            views.get(r.id)?.reqState === 'reserve' &&
            views.get(r.id)?.bookStatus === 'reserved',
        )
      );
    });
    return winners;
  }

  it(`${BOOKS} books, two members each at once: exactly one holds each book; again after the holders cancel`, async () => {
    const books: number[] = [];
    for (let i = 0; i < BOOKS; i++) books.push(await l.newBook(`race ${i}`));

    const round1 = await race(books);
    const wins = [...round1.values()].filter((r) => r.memberId === 'customer1').length;
    console.log(`round 1: customer1 won ${wins}, customer2 won ${BOOKS - wins}`);

    // Both replicas decided some reservations (the group's partitions are shared between them).
    const reservedBy = async (url: string) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return Number(/events_consumed_total\{type="Reserved"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const [one, two] = await Promise.all([reservedBy(l.procs.book!.url), reservedBy(book2.url)]);
    console.log(`Reserved events handled: book ${one}, book replica ${two}`);
    assert.ok(one > 0 && two > 0, `both replicas decided reservations (${one} and ${two})`);

    for (const winner of round1.values()) await l.request(winner.id, 'cancel');
    await l.until('books free again', async () => {
      const free = await l.all('book', '/books?bookStatus=refunded', 'books');
      return free.filter((b) => books.includes(b.id)).length === BOOKS;
    });
    await race(books);

    for (const name of ['rental', 'payment', 'mypage', 'book'] as const) {
      assert.deepEqual((await l.json(name, '/admin/parked')).parked, [], `${name}: nothing parked`);
    }
    assert.deepEqual((await (await fetch(`${book2.url}/admin/parked`)).json()).parked, []);
  });
});
