import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type DeliveredEvent, MALFORMED_EVENT_TYPE } from '@bounded/bus';
import { event } from '@bounded/bus/contract';
import type { Kysely } from '@bounded/store';
import { idempotentConsumer, listParked } from '../src/index.ts';
import { openWorld, type Tables } from './fixtures/world.ts';

async function world() {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-batch-'));
  const { store, bus } = await openWorld(join(dir, 'bus'), `sqlite:${join(dir, 'store.db')}`);
  await bus.close();
  let transactions = 0;
  const transaction = store.transaction.bind(store);
  store.transaction = (work) => {
    transactions++;
    return transaction(work);
  };
  return { store, transactions: () => transactions };
}

const delivered = (events: ReturnType<typeof event>[]): DeliveredEvent[] =>
  events.map((e, offset) => ({ ...e, partition: 0, offset }));

function consumerWith(store: Awaited<ReturnType<typeof world>>['store'], brokenSeq?: number) {
  const handled: number[] = [];
  const record = async (e: DeliveredEvent, trx: Kysely<Tables>) => {
    if (e.data.seq === brokenSeq) throw new Error('no vase of that size');
    await trx
      .insertInto('effects')
      .values({ event_id: e.id, event_key: e.key, seq_no: Number(e.data.seq), pid: 0 })
      .execute();
    handled.push(Number(e.data.seq));
  };
  const consumer = idempotentConsumer<Tables>({
    store,
    group: 'store',
    attempts: 2,
    baseDelayMs: 1,
    handlers: { Ordered: record, Paid: record },
  });
  return { consumer, handled };
}

test('a run of events is handled in one transaction; types without a handler are passed over', async () => {
  const { store, transactions } = await world();
  const { consumer, handled } = consumerWith(store);
  assert.deepEqual([...consumer.types].sort(), ['Ordered', 'Paid']);
  const run = delivered([
    event('shop', 'o1', 'Ordered', { seq: 1 }),
    event('shop', 'o1', 'Shipped', { seq: 99 }),
    event('shop', 'o1', 'Paid', { seq: 2 }),
    event('shop', 'o2', 'Ordered', { seq: 3 }),
  ]);
  await consumer.handleBatch(run);
  assert.deepEqual(handled, [1, 2, 3]);
  assert.equal(transactions(), 1, 'one commit for the whole run');

  // Re-delivered (at-least-once), alone and mixed with a new event: only the new one applies.
  await consumer.handleBatch([...run, ...delivered([event('shop', 'o3', 'Ordered', { seq: 4 })])]);
  await consumer.handle(run[0]);
  assert.deepEqual(handled, [1, 2, 3, 4]);
  const effects = await store.db.selectFrom('effects').select('seq_no').orderBy('seq_no').execute();
  assert.deepEqual(
    effects.map((e) => e.seq_no),
    [1, 2, 3, 4],
  );
});

test('one failing event in a run rolls the run back, the rest apply one by one and it alone is parked', async () => {
  const { store } = await world();
  const { consumer, handled } = consumerWith(store, 2);
  const run = delivered([
    event('shop', 'o1', 'Ordered', { seq: 1 }),
    event('shop', 'o2', 'Ordered', { seq: 2 }),
    event('shop', 'o3', 'Ordered', { seq: 3 }),
  ]);
  await consumer.handleBatch(run);
  assert.deepEqual(handled, [1, 1, 3], 'the first ran in the rolled-back run, then again alone');
  const effects = await store.db.selectFrom('effects').select('seq_no').orderBy('seq_no').execute();
  assert.deepEqual(
    effects.map((e) => e.seq_no),
    [1, 3],
    'nothing of the rolled-back attempt stayed',
  );
  const parked = await listParked(store);
  assert.deepEqual(
    parked.map((p) => p.eventId),
    [run[1].id],
  );
});

test('a malformed event in a run is parked and the others still apply', async () => {
  const { store } = await world();
  const { consumer, handled } = consumerWith(store);
  const [good, bad] = delivered([
    event('shop', 'o1', 'Ordered', { seq: 1 }),
    event('shop', 'o2', 'Ordered', { seq: 2 }),
  ]);
  await consumer.handleBatch([good, { ...bad, type: MALFORMED_EVENT_TYPE, data: { error: 'not JSON' } }]);
  assert.deepEqual(handled, [1]);
  assert.deepEqual(
    (await listParked(store)).map((p) => p.eventId),
    [bad.id],
  );
});
