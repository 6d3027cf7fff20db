/**
 * The four library services in this process (app.inject; payment on a loopback port for the
 * rental's sync call), sharing one embedded event log: the seed's scenario, the member's
 * requests and every illegal one, the book's rejections and their refunds, bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  type InProcessService,
  publish,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { bookService } from '../book/src/service.ts';
import { myPageService } from '../mypage/src/service.ts';
import { paymentService } from '../payment/src/service.ts';
import { rentalService } from '../rental/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;

describe('library services (in process, one event log)', { timeout: 60_000 }, () => {
  const dataDir = tempDir('library-services-');
  let rental: InProcessService;
  let payment: InProcessService;
  let mypage: InProcessService;
  let book: InProcessService;

  const reserve = async (bookId: number | string, memberId: string | number = 'm1') => {
    const res = await rental.call('POST', '/rentals', { memberId, bookId });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as Json;
  };
  const patch = (id: number, reqState: string) => rental.call('PATCH', `/rentals/${id}`, { reqState });
  const until = <T>(probe: () => Promise<T | undefined | false>) => eventually(probe, 15_000);
  const view = (id: number, check: (row: Json) => boolean) =>
    until(async () => {
      const res = await mypage.call('GET', `/mypages/${id}`);
      return res.status === 200 && check(res.body) && (res.body as Json);
    });
  const bookIs = (id: number, check: (b: Json) => boolean) =>
    until(async () => {
      const b = (await book.call('GET', `/books/${id}`)).body as Json;
      return check(b) && b;
    });
  const newBook = async (title = 'a book') => {
    const res = await book.call('POST', '/books', { title });
    assert.equal(res.status, 201);
    return res.body.id as number;
  };

  before(async () => {
    const env = { DATA_DIR: dataDir };
    payment = await startInProcess(paymentService, env, { listen: true });
    rental = await startInProcess(rentalService, { ...env, PAYMENT_URL: payment.url! });
    mypage = await startInProcess(myPageService, env);
    book = await startInProcess(bookService, { ...env, BOOK_DEV_BOOKS: '1' });
  });
  after(async () => {
    for (const s of [rental, payment, mypage, book]) await s?.close();
  });

  it('registers the development books once (the seed’s bookId=2 exists)', async () => {
    const list = (await book.call('GET', '/books')).body as Json;
    assert.equal(list.page.totalElements, 5);
    assert.equal(list._embedded.books[1].id, 2);
    assert.equal(list._embedded.books[1].bookStatus, 'available');
  });

  it('the seed scenario: reserve → paid → book reserved → rent → rentaled → return → returned; cancel → refunded; mypage at each step', async () => {
    const r = await reserve('2', '2'); // httpie sends strings: memberId=2 bookId=2
    assert.equal(r.reqState, 'reserve');
    assert.equal(r.memberId, '2');
    assert.equal(r.bookId, 2);
    const paid = (await payment.call('GET', `/payments/${r.id}`)).body as Json;
    assert.equal(paid.payStatus, 'Paid');
    assert.equal(paid.bookId, 2);
    await bookIs(2, (b) => b.bookStatus === 'reserved' && b.rentalId === r.id && b.memberId === '2');
    await view(
      r.id,
      (v) => v.reqState === 'reserve' && v.payStatus === 'Paid' && v.bookStatus === 'reserved',
    );

    // The seed cancels this one …
    const cancelled = await patch(r.id, 'cancel');
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.reqState, 'cancel');
    await bookIs(2, (b) => b.bookStatus === 'refunded');
    await until(
      async () => ((await payment.call('GET', `/payments/${r.id}`)).body as Json).payStatus === 'Refunded',
    );
    await view(
      r.id,
      (v) => v.reqState === 'cancel' && v.payStatus === 'Refunded' && v.bookStatus === 'refunded',
    );

    // … and rents and returns the next.
    const next = await reserve(2, '2');
    await bookIs(2, (b) => b.bookStatus === 'reserved' && b.rentalId === next.id);
    assert.equal((await patch(next.id, 'rental')).body.reqState, 'rental');
    await bookIs(2, (b) => b.bookStatus === 'rentaled');
    await view(next.id, (v) => v.reqState === 'rental' && v.bookStatus === 'rentaled');
    assert.equal((await patch(next.id, 'return')).body.reqState, 'return');
    await bookIs(2, (b) => b.bookStatus === 'returned');
    await view(
      next.id,
      (v) => v.reqState === 'return' && v.bookStatus === 'returned' && v.payStatus === 'Paid',
    );
  });

  it('a book someone else holds: the reservation is taken and paid, then rejected and refunded', async () => {
    const id = await newBook();
    const first = await reserve(id, 'm1');
    await bookIs(id, (b) => b.rentalId === first.id);
    const second = await reserve(id, 'm2');
    assert.equal(second.reqState, 'reserve', 'taken without asking book');
    await until(
      async () => ((await rental.call('GET', `/rentals/${second.id}`)).body as Json).reqState === 'rejected',
    );
    const rejected = (await rental.call('GET', `/rentals/${second.id}`)).body as Json;
    assert.equal(rejected.rejectReason, 'reserved');
    await until(
      async () =>
        ((await payment.call('GET', `/payments/${second.id}`)).body as Json).payStatus === 'Refunded',
    );
    await view(
      second.id,
      (v) => v.reqState === 'rejected' && v.payStatus === 'Refunded' && v.bookStatus === 'rejected',
    );
    const b = (await book.call('GET', `/books/${id}`)).body as Json;
    assert.equal(b.rentalId, first.id, 'the first holder keeps it');
    for (const wanted of ['rental', 'return', 'cancel']) {
      const res = await patch(second.id, wanted);
      assert.equal(res.status, 409, `${wanted} on a rejected rental`);
      assert.match(res.body.message, /rejected .* finished/);
    }
  });

  it('an unknown or retired book: rejected with a refund', async () => {
    const unknown = await reserve(999_999);
    const retiredId = await newBook();
    const retire = await book.call('POST', `/books/${retiredId}/retire`);
    assert.equal(retire.status, 200);
    assert.equal(retire.body.bookStatus, 'retired');
    const retired = await reserve(retiredId);
    for (const [r, reason] of [
      [unknown, 'unknown'],
      [retired, 'retired'],
    ] as const) {
      await until(async () => {
        const got = (await rental.call('GET', `/rentals/${r.id}`)).body as Json;
        return got.reqState === 'rejected' && got.rejectReason === reason;
      });
      await until(
        async () => ((await payment.call('GET', `/payments/${r.id}`)).body as Json).payStatus === 'Refunded',
      );
    }
    // A held book cannot be retired; PATCH bookStatus=retired is the same action.
    const held = await newBook();
    const r = await reserve(held);
    await bookIs(held, (b) => b.bookStatus === 'reserved' && b.rentalId === r.id);
    const refused = await book.call('PATCH', `/books/${held}`, { bookStatus: 'retired' });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'BOOK.HELD');
  });

  it('every illegal transition → 409 saying what the state allows', async () => {
    const id = await newBook();
    const r = await reserve(id);
    const expect409 = async (state: string, wanted: string, allows: RegExp) => {
      const res = await patch(r.id, wanted);
      assert.equal(res.status, 409, `${wanted} from ${state}`);
      assert.equal(res.body.code, 'RENTAL.ILLEGAL_TRANSITION');
      assert.match(res.body.message, allows, `${wanted} from ${state}: ${res.body.message}`);
    };
    await expect409('reserve', 'return', /reserved .* allows only reqState=rental or reqState=cancel/);
    assert.equal((await patch(r.id, 'rental')).status, 200);
    await expect409('rental', 'rental', /rented .* allows only reqState=return/);
    await expect409('rental', 'cancel', /allows only reqState=return/);
    assert.equal((await patch(r.id, 'return')).status, 200);
    for (const wanted of ['rental', 'return', 'cancel']) await expect409('return', wanted, /finished/);

    const c = await reserve(id);
    assert.equal((await patch(c.id, 'cancel')).status, 200);
    for (const wanted of ['rental', 'return', 'cancel']) {
      const res = await patch(c.id, wanted);
      assert.equal(res.status, 409);
      assert.match(res.body.message, /cancelled .* finished/);
    }
  });

  it("the seed's misspelt rendtalId: a seed-generated Reserved event carrying only it, and a list filter by it", async () => {
    const id = await newBook('seed spelling');
    await publish(book.service, [
      {
        type: 'Reserved',
        key: '424242',
        data: { id: 424242, rendtalId: 424242, memberId: 'java', bookId: id, reqState: 'reserve' },
      },
    ]);
    const held = await bookIs(id, (b) => b.bookStatus === 'reserved');
    assert.equal(held.rentalId, 424242);
    assert.equal(held.memberId, 'java');
    const byOld = (await book.call('GET', '/books?rendtalId=424242')).body as Json;
    assert.deepEqual(
      byOld._embedded.books.map((b: Json) => b.id),
      [id],
    );
    assert.equal(byOld._embedded.books[0].rendtalId, undefined, 'answers say rentalId');
  });

  it('bad input → 400 naming the field, never 500; a missing rental → 404', async () => {
    const cases: Array<[string, string, object]> = [
      ['POST', '/rentals', { memberId: 'm1' }],
      ['POST', '/rentals', { memberId: 'm1', bookId: 'two' }],
      ['POST', '/rentals', { memberId: 'm1', bookId: 1.5 }],
      ['POST', '/rentals', { memberId: 'm1', bookId: -1 }],
      ['POST', '/rentals', { memberId: '', bookId: 1 }],
      ['POST', '/rentals', { memberId: 'x'.repeat(300), bookId: 1 }],
      ['POST', '/rentals', { bookId: 1 }],
      ['PATCH', '/rentals/1', { reqState: 'reserve' }],
      ['PATCH', '/rentals/1', { reqState: 'rejected' }],
      ['PATCH', '/rentals/1', { reqState: 'lost' }],
      ['PATCH', '/rentals/1', {}],
      ['PATCH', '/rentals/abc', { reqState: 'cancel' }],
      ['POST', '/books', {}],
      ['POST', '/books', { title: '' }],
      ['PATCH', '/books/1', { bookStatus: 'reserved' }],
    ];
    for (const [method, path, body] of cases) {
      const svc = path.startsWith('/books') ? book : rental;
      const res = await svc.call(method as 'POST', path, body);
      assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status}`);
      assert.ok(res.body.message, 'a message');
    }
    const field = await rental.call('PATCH', '/rentals/1', { reqState: 'lost' });
    assert.ok(JSON.stringify(field.body.fields).includes('reqState'), JSON.stringify(field.body));
    assert.equal((await patch(987_654, 'cancel')).status, 404);
    assert.equal((await rental.call('GET', '/rentals?sort=nope')).status, 400);
  });
});
