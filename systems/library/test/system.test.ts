/**
 * The library system as real processes (one per service, embedded store and event log in a
 * temp DATA_DIR, ephemeral ports): the seed's scenario, and the spec's fault-isolation cases —
 * payment down (sync: refused, nothing kept), book down (reservations and rentals still taken,
 * settled when it returns, a conflict among them ending rejected and refunded).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Json, library } from './harness.ts';

describe('library system (real processes)', { timeout: 120_000 }, () => {
  let l: Awaited<ReturnType<typeof library>>;

  before(async () => {
    l = await library('library-system-');
    await l.startAll();
  });
  after(async () => {
    await l.stopAll();
  });

  it("the seed's calls: reserve (memberId=2 bookId=2) → paid → book reserved; cancel → refunded; reserve → rent → rentaled → return → returned; mypage at each step", async () => {
    const books = (await l.json('book', '/books'))._embedded.books as Json[];
    assert.ok(
      books.some((b) => b.id === 2 && b.bookStatus === 'available'),
      'the development set has book 2',
    );

    const first = await l.reserve('2', '2');
    assert.equal(first.reqState, 'reserve');
    assert.equal((await l.payment(first.id)).payStatus, 'Paid', 'paid before the 201');
    await l.bookIs(2, (b) => b.bookStatus === 'reserved' && b.rentalId === first.id && b.memberId === '2');
    await l.view(
      first.id,
      (v) => v.reqState === 'reserve' && v.payStatus === 'Paid' && v.bookStatus === 'reserved',
    );

    await l.request(first.id, 'cancel');
    await l.bookIs(2, (b) => b.bookStatus === 'refunded');
    await l.paymentIs(first.id, (p) => p.payStatus === 'Refunded' && p.refundReason === 'RentalCancelled');
    await l.view(
      first.id,
      (v) => v.reqState === 'cancel' && v.payStatus === 'Refunded' && v.bookStatus === 'refunded',
    );

    const second = await l.reserve('2', '2');
    await l.bookIs(2, (b) => b.bookStatus === 'reserved' && b.rentalId === second.id);
    await l.view(second.id, (v) => v.reqState === 'reserve' && v.bookStatus === 'reserved');
    assert.equal((await l.request(second.id, 'rental')).reqState, 'rental');
    await l.bookIs(2, (b) => b.bookStatus === 'rentaled');
    await l.view(second.id, (v) => v.reqState === 'rental' && v.bookStatus === 'rentaled');
    assert.equal((await l.request(second.id, 'return')).reqState, 'return');
    await l.bookIs(2, (b) => b.bookStatus === 'returned');
    await l.view(
      second.id,
      (v) => v.reqState === 'return' && v.bookStatus === 'returned' && v.payStatus === 'Paid',
    );
    assert.equal((await l.payment(second.id)).payStatus, 'Paid', 'a returned rental stays paid');

    const views = await l.all('mypage', '/mypages?memberId=2', 'mypages');
    assert.deepEqual(
      views.map((v) => [v.id, v.reqState]),
      [
        [first.id, 'cancel'],
        [second.id, 'return'],
      ],
    );
  });

  it('every illegal transition → 409 with what the state allows; bad input → 400', async () => {
    const id = await l.newBook();
    const r = await l.reserve(id);
    const refused = await l.request(r.id, 'return', 409);
    assert.equal(refused.code, 'RENTAL.ILLEGAL_TRANSITION');
    assert.match(refused.message, /allows only reqState=rental or reqState=cancel/);
    await l.request(r.id, 'rental');
    assert.match((await l.request(r.id, 'cancel', 409)).message, /allows only reqState=return/);
    await l.request(r.id, 'return');
    for (const wanted of ['rental', 'return', 'cancel']) {
      assert.match((await l.request(r.id, wanted, 409)).message, /returned .* finished/);
    }
    for (const reqState of ['reserve', 'rejected', 'lost', '']) {
      const bad = await l.request(r.id, reqState, 400);
      assert.ok(JSON.stringify(bad.fields).includes('reqState'), JSON.stringify(bad));
    }
    const noBook = await l.send('rental', 'POST', '/rentals', { memberId: '2', bookId: 'two' });
    assert.equal(noBook.status, 400);
    const notJson = await fetch(`http://127.0.0.1:${l.ports.rental}/rentals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"bookId":',
    });
    assert.equal(notJson.status, 400);
  });

  it('with payment down: 503 + Retry-After, no rental, no event', async () => {
    await l.stop('payment');
    const rentals = (await l.json('rental', '/rentals')).page.totalElements;
    const views = (await l.json('mypage', '/mypages')).page.totalElements;
    const res = await l.send('rental', 'POST', '/rentals', { memberId: '4', bookId: '4' });
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal((await l.json('rental', '/rentals')).page.totalElements, rentals, 'nothing kept');
    await sleep(500);
    assert.equal((await l.json('mypage', '/mypages')).page.totalElements, views, 'no event reached the view');
    // The seed: payment restarted, the same reservation succeeds.
    await l.start('payment');
    const ok = await l.until('reserve after payment is back', async () => {
      const again = await l.send('rental', 'POST', '/rentals', { memberId: '4', bookId: '4' });
      return again.status === 201 && ((await again.json()) as Json);
    });
    await l.view(ok.id, (v) => v.payStatus === 'Paid' && v.bookStatus === 'reserved');
  });

  it('with payment slow: the breaker opens and reservations are refused fast; healthy again → taken', async () => {
    await l.stop('payment');
    await l.start('payment', { PAYMENT_DELAY_MS: '3000' });
    let fast: Response | undefined;
    for (let i = 0; i < 5 && !fast; i++) {
      const t0 = Date.now();
      const res = await l.send('rental', 'POST', '/rentals', { memberId: '4', bookId: '5' });
      assert.equal(res.status, 503);
      if (((await res.clone().json()) as Json).code === 'DEPENDENCY.CIRCUIT_OPEN') {
        assert.ok(Date.now() - t0 < 300, 'an open breaker answers at once');
        fast = res;
      }
    }
    assert.ok(fast, 'the breaker opened');
    assert.ok(Number(fast.headers.get('retry-after')) >= 1);
    await l.stop('payment');
    await l.start('payment');
    // Another book: the reservations of book 5 whose payment was in doubt are settled by the
    // rental's resume loop once payment answers (the first holds the book, the others are
    // rejected and refunded), so a new one of book 5 would be rejected.
    const book = await l.newBook('after the breaker');
    const ok = await l.until('reserve after the breaker closed', async () => {
      const res = await l.send('rental', 'POST', '/rentals', { memberId: '4', bookId: String(book) });
      return res.status === 201 && ((await res.json()) as Json);
    });
    await l.view(ok.id, (v) => v.payStatus === 'Paid');
    await l.until('no reservation left in doubt', async () => {
      return ((await l.json('rental', '/admin/sagas')).running as Json[]).length === 0;
    });
  });

  it('with book down: reservations and rentals still taken; back up, it settles them — the conflict rejected and refunded', async () => {
    const free = await l.newBook('book-down 1');
    const contested = await l.newBook('book-down 2');
    await l.stop('book');
    // While book is down: one plain reservation, rented and returned; two members on one book,
    // both rented (nobody can tell yet that the second cannot have it).
    const plain = await l.reserve(free, 'customer1');
    await l.request(plain.id, 'rental');
    await l.request(plain.id, 'return');
    const first = await l.reserve(contested, 'customer1');
    const second = await l.reserve(contested, 'customer2');
    await l.request(first.id, 'rental');
    await l.request(second.id, 'rental');
    await l.view(
      second.id,
      (v) => v.reqState === 'rental' && v.payStatus === 'Paid' && v.bookStatus === null,
    );

    await l.start('book');
    await l.bookIs(free, (b) => b.bookStatus === 'returned' && b.rentalId === plain.id);
    await l.view(plain.id, (v) => v.reqState === 'return' && v.bookStatus === 'returned');
    // The two reservations are on different partitions (key = rental id): the book takes them
    // in either order, and the one it decides first holds the book.
    const held = await l.bookIs(contested, (b) => b.bookStatus === 'rentaled');
    assert.ok([first.id, second.id].includes(held.rentalId));
    const [winner, loser] = held.rentalId === first.id ? [first, second] : [second, first];
    await l.rentalIs(
      loser.id,
      (r) => r.reqState === 'rejected' && ['reserved', 'rentaled'].includes(r.rejectReason),
    );
    await l.paymentIs(loser.id, (p) => p.payStatus === 'Refunded' && p.refundReason === 'RentalRejected');
    await l.view(
      loser.id,
      (v) => v.reqState === 'rejected' && v.payStatus === 'Refunded' && v.bookStatus === 'rejected',
    );
    await l.view(
      winner.id,
      (v) => v.reqState === 'rental' && v.bookStatus === 'rentaled' && v.payStatus === 'Paid',
    );
    assert.equal((await l.rental(winner.id)).reqState, 'rental');
    // The loser's rental events moved nothing on the book.
    await sleep(300);
    assert.equal((await l.book(contested)).rentalId, winner.id);
    for (const name of ['rental', 'payment', 'mypage', 'book'] as const) {
      assert.deepEqual((await l.json(name, '/admin/parked')).parked, [], `${name}: nothing parked`);
    }
  });

  it('book killed (-9) while it decides reservations: restarted, every reservation is decided once', async () => {
    const books: number[] = [];
    for (let i = 0; i < 20; i++) books.push(await l.newBook(`kill ${i}`));
    const rentals: Json[] = [];
    const killed = (async () => {
      await l.until('book started deciding', async () => (await l.book(books[0]!)).bookStatus === 'reserved');
      l.procs.book!.child.kill('SIGKILL');
    })();
    for (const id of books) rentals.push(await l.reserve(id, 'customer1'));
    await killed;
    await l.stop('book');
    await l.start('book');
    for (const r of rentals) {
      await l.bookIs(r.bookId, (b) => b.bookStatus === 'reserved' && b.rentalId === r.id);
      await l.view(r.id, (v) => v.reqState === 'reserve' && v.bookStatus === 'reserved');
    }
    // Decided once: no reservation turned into a rejection by seeing its own book held.
    await sleep(300);
    const now = await l.all('rental', '/rentals?reqState=rejected', 'rentals');
    assert.ok(!now.some((r) => rentals.some((x) => x.id === r.id)), 'none rejected');
  });

  it('with mypage down: everything is taken; back up, it catches up', async () => {
    await l.stop('mypage');
    const id = await l.newBook('mypage-down');
    const r = await l.reserve(id);
    await l.request(r.id, 'cancel');
    await l.bookIs(id, (b) => b.bookStatus === 'refunded');
    await l.start('mypage');
    await l.view(
      r.id,
      (v) => v.reqState === 'cancel' && v.payStatus === 'Refunded' && v.bookStatus === 'refunded',
    );
  });
});
