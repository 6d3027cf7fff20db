import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { event, waitFor } from '@bounded/bus/contract';
import { idempotentConsumer, listParked, ParkedEventNotFound } from '../src/index.ts';
import { openWorld } from './fixtures/world.ts';

/** Parking and replay: poison.test.ts runs it on SQLite, outbox.engines.test.ts on PostgreSQL and MariaDB. */
export function poisonSuite(tier: string, newDatabase: (dir: string) => Promise<string>): void {
  it(`a poison event is parked, its partition keeps flowing, and replay after the fix applies it once (${tier})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-poison-'));
    const { store, bus } = await openWorld(join(dir, 'bus'), await newDatabase(dir));
    let broken = true;
    const handled: number[] = [];
    const consumer = idempotentConsumer({
      store,
      group: 'store',
      attempts: 3,
      baseDelayMs: 5,
      handlers: {
        Ordered: async (e, trx) => {
          if (e.data.poison && broken) throw new Error('flower stock table is missing');
          await trx
            .insertInto('effects')
            .values({ event_id: e.id, event_key: e.key, seq_no: Number(e.data.seq), pid: 0 })
            .execute();
          handled.push(Number(e.data.seq));
        },
      },
    });
    const subscription = await bus.subscribe({ topic: 'shop', group: 'store', handler: consumer.handle });
    try {
      const poison = event('shop', 'order-7', 'Ordered', { seq: 1, poison: true });
      await bus.publish([
        event('shop', 'order-7', 'Ordered', { seq: 0 }),
        poison,
        event('shop', 'order-7', 'Ordered', { seq: 2 }),
        event('shop', 'order-7', 'Ordered', { seq: 3 }),
      ]);
      await waitFor(() => handled.length === 3, 10_000, 'the events after the poison one');
      assert.deepEqual(handled, [0, 2, 3], 'the same partition kept flowing past the poison event');

      const parked = await listParked(store);
      assert.equal(parked.length, 1);
      assert.equal(parked[0].eventId, poison.id);
      assert.equal(parked[0].attempts, 3);
      assert.match(parked[0].error, /flower stock table is missing/);

      await assert.rejects(
        consumer.replay(poison.id),
        /failed again/,
        'replay before the fix keeps it parked',
      );
      assert.equal((await listParked(store)).length, 1);

      broken = false;
      assert.equal(await consumer.replay(poison.id), 'handled');
      assert.deepEqual(handled, [0, 2, 3, 1]);
      assert.equal((await listParked(store)).length, 0);
      await assert.rejects(consumer.replay(poison.id), ParkedEventNotFound);

      // The same event delivered again (at-least-once) is absorbed by the inbox.
      await consumer.handle({ ...poison, partition: 0, offset: 1 });
      assert.equal(handled.length, 4);
    } finally {
      await subscription.close();
      await bus.close();
      await store.close();
    }
  });
}
