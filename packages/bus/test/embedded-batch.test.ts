import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync as Database } from 'node:sqlite';
import { test } from 'node:test';
import { assertPerKeyOrder, event, waitFor } from '../src/contract.ts';
import { createEmbeddedBus, type DeliveredEvent } from '../src/index.ts';

test('the embedded bus hands runs to the batch handler and passes over types the group does not handle', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-bus-batch-'));
  const producer = createEmbeddedBus({ dir });
  const consumer = createEmbeddedBus({ dir });
  const runs: DeliveredEvent[][] = [];
  const single: DeliveredEvent[] = [];
  const subscribe = () =>
    consumer.subscribe({
      topic: 'flowers',
      group: 'mypage',
      types: ['Ordered', 'Paid'],
      handler: async (e) => {
        single.push(e);
      },
      batchHandler: async (events) => {
        runs.push([...events]);
      },
    });
  const publish = (from: number, to: number) =>
    producer.publish(
      Array.from({ length: to - from }, (_, i) =>
        event('flowers', `order-${(from + i) % 7}`, ['Ordered', 'Shipped', 'Paid'][i % 3], { seq: from + i }),
      ),
    );
  await publish(0, 300);
  const first = await subscribe();
  const seen = () => [...runs.flat(), ...single];
  await waitFor(() => seen().length === 200, 10_000, 'the 200 Ordered and Paid events');
  assert.ok(
    runs.some((run) => run.length > 1),
    'runs of several events went to the batch handler',
  );
  assert.ok(seen().every((e) => e.type !== 'Shipped'));
  assertPerKeyOrder(seen());
  await first.close();

  // The group's position moved past the passed-over events: a new member gets only new ones.
  await publish(300, 330);
  const before = seen().length;
  const second = await subscribe();
  await waitFor(() => seen().length === before + 20, 10_000, 'the 20 new Ordered and Paid events');
  assert.ok(
    seen()
      .slice(before)
      .every((e) => (e.data.seq as number) >= 300),
  );
  await second.close();
  await Promise.all([producer.close(), consumer.close()]);
});

test('a log written before type heads existed gets them from its events, so typed groups miss nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bounded-bus-typeheads-'));
  const producer = createEmbeddedBus({ dir });
  await producer.publish(
    Array.from({ length: 40 }, (_, i) =>
      event('flowers', `order-${i % 5}`, i % 2 ? 'Paid' : 'Shipped', { seq: i }),
    ),
  );
  await producer.close();
  // What an older version of the log looks like: the same events, no type_heads table.
  const old = new Database(join(dir, 'log', 'log.db'));
  old.exec('DROP TABLE type_heads');
  old.close();

  const consumer = createEmbeddedBus({ dir });
  const seen: DeliveredEvent[] = [];
  const subscription = await consumer.subscribe({
    topic: 'flowers',
    group: 'billing',
    types: ['Paid'],
    handler: async (e) => {
      seen.push(e);
    },
  });
  await waitFor(() => seen.length === 20, 10_000, 'the 20 Paid events written before the upgrade');
  assert.ok(seen.every((e) => e.type === 'Paid'));
  await subscription.close();
  await consumer.close();
});
