/**
 * The library behind its gateway, as real processes started by the runner's `launch` (auth, the
 * four services, the gateway), with real tokens from the auth service's development set: the
 * member comes from the verified token only, roles gate the commands (staff keep the catalogue
 * and see everything; members browse it), and customer2 sees none of customer1's rentals,
 * payments or mypage rows. Ports: a copy of the map at 38400; auth and control on free ports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BehindGateway, type Json, launchBehindGateway } from '@bounded/runner/testing';
import { eventually } from '@bounded/service-kit/testing';
import { system } from '../system.ts';

type Who = 'customer1' | 'customer2' | 'staff1';

describe('library through the gateway (real processes, real tokens)', { timeout: 90_000 }, () => {
  let sys: BehindGateway<Who>;
  const call = (who: Who | null, method: string, path: string, body?: unknown) =>
    sys.call(who, method, path, body);
  const json = (who: Who, path: string) => sys.json(who, path);
  const list = (who: Who, path: string, plural: string) => sys.items(who, path, plural);

  before(async () => {
    sys = await launchBehindGateway(system, { basePort: 38400, users: ['customer1', 'customer2', 'staff1'] });
  });
  after(() => sys?.stop());

  it('refuses requests without a valid token (401)', async () => {
    for (const path of ['/rentals', '/payments', '/mypages', '/books']) {
      assert.equal((await call(null, 'GET', path)).status, 401, path);
    }
  });

  it('the catalogue: members browse it, staff keep it (register, retire); members may not', async () => {
    const books = await list('customer1', '/books', 'books');
    assert.ok(
      books.some((b) => b.id === 2),
      'the development set',
    );
    assert.equal((await call('customer1', 'POST', '/books', { title: 'mine' })).status, 403);
    const created = await call('staff1', 'POST', '/books', { title: '토지' });
    assert.equal(created.status, 201);
    const book = (await created.json()) as Json;
    assert.equal(book.bookStatus, 'available');
    assert.equal((await call('customer1', 'POST', `/books/${book.id}/retire`)).status, 403);
    const retired = await call('staff1', 'PATCH', `/books/${book.id}`, { bookStatus: 'retired' });
    assert.equal(retired.status, 200);
    assert.equal(((await retired.json()) as Json).bookStatus, 'retired');
  });

  it('a member reserves, rents and returns with their own token; customer2 sees and changes nothing of it; staff see all', async () => {
    const created = await call('staff1', 'POST', '/books', { title: '태백산맥' });
    const bookId = ((await created.json()) as Json).id as number;

    // The member is the caller; a body naming another member is refused; staff do not reserve.
    const reserved = await call('customer1', 'POST', '/rentals', { bookId });
    assert.equal(reserved.status, 201);
    const rental = (await reserved.json()) as Json;
    assert.equal(rental.memberId, 'customer1', 'identity from the token');
    assert.ok(reserved.headers.get('location'));
    const forOther = await call('customer1', 'POST', '/rentals', { bookId, memberId: 'customer2' });
    assert.equal(forOther.status, 403);
    assert.equal(((await forOther.json()) as Json).code, 'RENTAL.NOT_YOURS');
    assert.equal((await call('staff1', 'POST', '/rentals', { bookId })).status, 403);

    const row = await eventually(async () => {
      const res = await call('customer1', 'GET', `/mypages/${rental.id}`);
      const body = (await res.json()) as Json;
      return res.ok && body.bookStatus === 'reserved' && body;
    }, 15_000);
    assert.equal(row.memberId, 'customer1');
    assert.equal(row.payStatus, 'Paid');

    // Who holds a book is for staff: a member browsing the catalogue sees only its status.
    const browsed = (await json('customer2', `/books/${bookId}`)) as Json;
    assert.equal(browsed.bookStatus, 'reserved');
    assert.ok(!('memberId' in browsed) && !('rentalId' in browsed), JSON.stringify(browsed));
    const listed = (await list('customer2', '/books?size=100', 'books')).find((b) => b.id === bookId)!;
    assert.ok(!('memberId' in listed) && !('rentalId' in listed));
    const filtered = await json('customer2', `/books?rentalId=${rental.id}`);
    assert.ok(filtered.page.totalElements > 1, 'a holder filter is not a member’s: ignored');
    const kept = (await json('staff1', `/books/${bookId}`)) as Json;
    assert.equal(kept.memberId, 'customer1');
    assert.equal(kept.rentalId, rental.id);

    // customer2: the rental, its payment and its mypage row look missing; their lists hold none of it.
    assert.equal((await call('customer2', 'GET', `/rentals/${rental.id}`)).status, 404);
    assert.equal(
      (await call('customer2', 'PATCH', `/rentals/${rental.id}`, { reqState: 'cancel' })).status,
      404,
    );
    assert.equal((await call('customer2', 'GET', `/mypages/${rental.id}`)).status, 404);
    assert.equal((await list('customer2', '/rentals?size=100', 'rentals')).length, 0);
    assert.equal((await list('customer2', '/mypages?size=100', 'mypages')).length, 0);
    assert.equal(
      (await list('customer2', `/mypages?memberId=customer1`, 'mypages')).length,
      0,
      'a filter never widens a member’s view',
    );
    // Payments are for staff to read; members see theirs in mypage.
    assert.equal((await call('customer1', 'GET', `/payments/${rental.id}`)).status, 403);
    assert.equal((await json('staff1', `/payments/${rental.id}`)).payStatus, 'Paid');

    // Rent and return through the gateway; staff may read but not change a member's rental.
    assert.equal(
      (await call('staff1', 'PATCH', `/rentals/${rental.id}`, { reqState: 'rental' })).status,
      403,
    );
    const rented = await call('customer1', 'PATCH', `/rentals/${rental.id}`, { reqState: 'rental' });
    assert.equal(rented.status, 200);
    const illegal = await call('customer1', 'PATCH', `/rentals/${rental.id}`, { reqState: 'cancel' });
    assert.equal(illegal.status, 409);
    assert.match(((await illegal.json()) as Json).message, /allows only reqState=return/);
    assert.equal(
      (await call('customer1', 'PATCH', `/rentals/${rental.id}`, { reqState: 'return' })).status,
      200,
    );
    await eventually(async () => {
      const v = (await json('customer1', `/mypages/${rental.id}`)) as Json;
      return v.reqState === 'return' && v.bookStatus === 'returned';
    }, 15_000);

    // customer2 reserves too: each member sees exactly their own; staff see both.
    const theirs = (await (await call('customer2', 'POST', '/rentals', { bookId: 1 })).json()) as Json;
    assert.equal(theirs.memberId, 'customer2');
    const mine = await list('customer1', '/rentals?size=100', 'rentals');
    assert.ok(mine.every((r) => r.memberId === 'customer1') && mine.some((r) => r.id === rental.id));
    const seen = await list('customer2', '/rentals?size=100', 'rentals');
    assert.deepEqual(
      seen.map((r) => r.id),
      [theirs.id],
    );
    const all = await list('staff1', '/rentals?size=100', 'rentals');
    assert.ok(all.some((r) => r.id === rental.id) && all.some((r) => r.id === theirs.id));
    await eventually(async () => (await list('staff1', '/mypages?size=100', 'mypages')).length >= 2, 15_000);
  });
});
