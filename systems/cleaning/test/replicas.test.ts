/**
 * The pool under contention, on real processes: three cleanassign replicas (one consumer group,
 * sharing the partitions and the database file) take a burst of requests for fewer cleaners
 * than requests. Every cleaner ends in exactly one live assignment, the surplus ends
 * NoCleanerAvailable, none stays Requested; cancelling frees them all and a second burst again
 * assigns each cleaner once; so does a third, with one replica killed in the middle of it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '@bounded/service-kit/testing';
import { cleaning, type Json } from './harness.ts';

const CLEANERS = 10;
const BURST = 30;

describe('cleaning: three cleanassign replicas under a burst (real processes)', { timeout: 120_000 }, () => {
  let c: Awaited<ReturnType<typeof cleaning>>;

  before(async () => {
    c = await cleaning('cleaning-replicas-');
    await c.startAll();
    await c.start('cleanassign');
    await c.start('cleanassign');
    for (let i = 0; i < CLEANERS; i++)
      await c.registerCleaner(`Cleaner ${i}`, `0100000${String(i).padStart(4, '0')}`);
  });
  after(async () => {
    await c.stopAll();
  });

  async function burst(): Promise<{ confirmed: Json[]; none: Json[] }> {
    const ids = await Promise.all(
      Array.from({ length: BURST }, (_, i) => c.request({ location: `block ${i}` })),
    );
    const ends = await Promise.all(
      ids.map((id) =>
        c.callIs(id, (x) => x.status === 'Confirmed' || x.status === 'NoCleanerAvailable', 30_000),
      ),
    );
    return {
      confirmed: ends.filter((x) => x.status === 'Confirmed'),
      none: ends.filter((x) => x.status === 'NoCleanerAvailable'),
    };
  }

  async function assertEachCleanerOnce(confirmed: Json[]) {
    const live = await c.list('cleanassign', '/cleanassigns?status=Assigned', 'cleanassigns');
    const byCleaner = new Map<number, number[]>();
    for (const a of live) byCleaner.set(a.cleanerId, [...(byCleaner.get(a.cleanerId) ?? []), a.orderId]);
    for (const [cleaner, orders] of byCleaner)
      assert.equal(orders.length, 1, `cleaner ${cleaner} holds ${orders}`);
    assert.equal(byCleaner.size, CLEANERS, 'every cleaner assigned');
    assert.deepEqual(
      live.map((a) => a.orderId).sort((a, b) => a - b),
      confirmed.map((x) => x.id).sort((a, b) => a - b),
      'the confirmed requests are exactly the live assignments',
    );
    assert.equal(await c.idleCleaners(), 0);
  }

  it(`${BURST} requests for ${CLEANERS} cleaners: each cleaner assigned once, the surplus NoCleanerAvailable; freed, the next burst again`, async () => {
    const first = await burst();
    assert.equal(first.confirmed.length, CLEANERS);
    assert.equal(first.none.length, BURST - CLEANERS);
    await assertEachCleanerOnce(first.confirmed);

    const workers = await Promise.all(
      c.procs.cleanassign.map(async (p) => {
        const text = await (await fetch(`${p.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith('events_consumed_total{type="AssignmentRequested"}'));
        return Number(line?.split(' ').pop() ?? 0);
      }),
    );
    console.log(`AssignmentRequested handled per replica: ${workers.join(', ')}`);
    assert.equal(workers.length, 3);
    assert.equal(
      workers.reduce((a, b) => a + b, 0),
      BURST,
      'each request handled once in the group',
    );
    assert.ok(workers.filter((n) => n > 0).length >= 2, 'the replicas shared the work');

    for (const x of first.confirmed) assert.equal(await c.cancel(x.id), 204);
    await eventually(async () => (await c.idleCleaners()) === CLEANERS, 20_000);

    const second = await burst();
    assert.equal(second.confirmed.length, CLEANERS);
    await assertEachCleanerOnce(second.confirmed);
    for (const p of c.procs.cleanassign) {
      assert.deepEqual(((await (await fetch(`${p.url}/admin/parked`)).json()) as Json).parked, [], p.name);
    }
  });

  it('one replica killed (SIGKILL) in the middle of a burst: the others take its partitions, every request ends, still each cleaner once', async () => {
    const live = await c.list('cleanassign', '/cleanassigns?status=Assigned', 'cleanassigns');
    for (const a of live) assert.equal(await c.cancel(a.orderId), 204);
    await eventually(async () => (await c.idleCleaners()) === CLEANERS, 20_000);

    const victim = c.procs.cleanassign[2]!;
    const exited = new Promise((resolve) => victim.child.once('exit', resolve));
    const requests = burst();
    setTimeout(() => victim.child.kill('SIGKILL'), 50);
    const { confirmed, none } = await requests;
    await exited;
    assert.equal(confirmed.length, CLEANERS);
    assert.equal(none.length, BURST - CLEANERS);
    await assertEachCleanerOnce(confirmed);
  });
});
