/**
 * The library services with their stores on PostgreSQL, then on MariaDB (engine tier:
 * engines/postgres.sh, engines/mariadb.sh), in this process on the embedded log, with TWO book
 * service instances on one book database (one consumer group): the seed's journey, and two
 * members racing for each of many books, which on these servers only the book row's lock
 * (SELECT … FOR UPDATE) decides — SQLite's BEGIN IMMEDIATE is not there to serialize them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type InProcessService, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { bookService } from '../book/src/service.ts';
import { myPageService } from '../mypage/src/service.ts';
import { paymentService } from '../payment/src/service.ts';
import { rentalService } from '../rental/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;

const BOOKS = 20;

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`library services on ${tier} (in process, embedded log, two book instances)`, {
    timeout: 120_000,
  }, () => {
    const databases: string[] = [];
    const s = {} as Record<'payment' | 'rental' | 'mypage' | 'book' | 'book2', InProcessService>;

    before(async () => {
      const dataDir = tempDir('library-engines-');
      const fresh = async () => {
        const url = await freshDatabase(dialect);
        databases.push(url);
        return url;
      };
      const env = async () => ({ DATA_DIR: dataDir, DATABASE_URL: await fresh() });
      s.payment = await startInProcess(paymentService, await env(), { listen: true });
      // A busy machine's PostgreSQL may take a while: no timeouts in a test about row locks.
      s.rental = await startInProcess(rentalService, {
        ...(await env()),
        PAYMENT_URL: s.payment.url!,
        PAYMENT_TIMEOUT_MS: '10000',
      });
      s.mypage = await startInProcess(myPageService, await env());
      const bookDb = { DATA_DIR: dataDir, DATABASE_URL: await fresh(), BOOK_DEV_BOOKS: '1' };
      s.book = await startInProcess(bookService, bookDb);
      s.book2 = await startInProcess(bookService, bookDb);
    });
    after(async () => {
      for (const service of Object.values(s).reverse()) await service?.close();
      for (const url of databases) await dropDatabase(url).catch(() => {});
    });

    const until = <T>(probe: () => Promise<T | undefined | false>) => eventually(probe, 30_000);
    const get = async (name: keyof typeof s, path: string) => (await s[name].call('GET', path)).body as Json;
    const reserve = async (bookId: number, memberId: string) => {
      const res = await s.rental.call('POST', '/rentals', { memberId, bookId });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as Json;
    };

    it('the seed journey: reserve → paid → reserved → rent → return; cancel → refunded; mypage follows', async () => {
      assert.equal((await get('book', '/books/2')).bookStatus, 'available', 'the development set, once');
      assert.equal((await get('book', '/books')).page.totalElements, 5);
      const cancelled = await reserve(2, '2');
      await until(async () => (await get('book', '/books/2')).rentalId === cancelled.id);
      assert.equal(
        (await s.rental.call('PATCH', `/rentals/${cancelled.id}`, { reqState: 'cancel' })).status,
        200,
      );
      await until(async () => (await get('payment', `/payments/${cancelled.id}`)).payStatus === 'Refunded');
      await until(async () => (await get('book', '/books/2')).bookStatus === 'refunded');
      const r = await reserve(2, '2');
      await until(async () => (await get('book', '/books/2')).rentalId === r.id);
      assert.equal((await s.rental.call('PATCH', `/rentals/${r.id}`, { reqState: 'rental' })).status, 200);
      assert.equal((await s.rental.call('PATCH', `/rentals/${r.id}`, { reqState: 'return' })).status, 200);
      await until(async () => (await get('book', '/books/2')).bookStatus === 'returned');
      await until(async () => {
        const v = await get('mypage', `/mypages/${r.id}`);
        return v.reqState === 'return' && v.bookStatus === 'returned' && v.payStatus === 'Paid';
      });
    });

    it(`two members reserve each of ${BOOKS} books at once: exactly one holds each, the other is rejected and refunded`, async () => {
      const books: number[] = [];
      for (let i = 0; i < BOOKS; i++) {
        books.push(((await s.book.call('POST', '/books', { title: `race ${i}` })).body as Json).id);
      }
      const pairs = await Promise.all(
        books.map(async (bookId) => {
          const [a, b] = await Promise.all([reserve(bookId, 'customer1'), reserve(bookId, 'customer2')]);
          return { bookId, a, b };
        }),
      );
      await until(async () => {
        const rentals = (await get('rental', '/rentals?size=1000'))._embedded.rentals as Json[];
        const rejected = new Set(rentals.filter((r) => r.reqState === 'rejected').map((r) => r.id));
        return pairs.every(({ a, b }) => rejected.has(a.id) !== rejected.has(b.id));
      });
      const bookRows = new Map(
        ((await get('book', '/books?size=1000'))._embedded.books as Json[]).map((b) => [b.id, b]),
      );
      const rentals = new Map(
        ((await get('rental', '/rentals?size=1000'))._embedded.rentals as Json[]).map((r) => [r.id, r]),
      );
      for (const { bookId, a, b } of pairs) {
        const holder = bookRows.get(bookId)!;
        assert.equal(holder.bookStatus, 'reserved');
        const [winner, loser] = holder.rentalId === a.id ? [a, b] : [b, a];
        assert.ok([a.id, b.id].includes(holder.rentalId), `book ${bookId}`);
        assert.equal(rentals.get(winner.id)!.reqState, 'reserve');
        assert.equal(rentals.get(loser.id)!.reqState, 'rejected');
        await until(async () => (await get('payment', `/payments/${loser.id}`)).payStatus === 'Refunded');
      }
      for (const name of ['rental', 'payment', 'mypage', 'book', 'book2'] as const) {
        assert.deepEqual((await get(name, '/admin/parked')).parked, [], `${name}: nothing parked`);
      }
    });
  });
}
