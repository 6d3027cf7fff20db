import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { event, waitFor } from '@bounded/bus/contract';
import { idempotentConsumer, listParked, NotYetError, ParkedEventNotFound } from '../src/index.ts';
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

  it(`an event whose handler says "not yet" is retried past its attempts until what it needs is written, and parked only after notYetForMs (${tier})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-not-yet-'));
    const { store, bus } = await openWorld(join(dir, 'bus'), await newDatabase(dir));
    let orderSaved = false;
    let tries = 0;
    const following = (notYetForMs: number) =>
      idempotentConsumer({
        store,
        group: `order-${notYetForMs}`,
        attempts: 2,
        baseDelayMs: 5,
        notYetForMs,
        handlers: {
          Shipped: async (e, trx) => {
            tries++;
            if (!orderSaved) throw new NotYetError(`order ${e.key} not found (yet)`);
            await trx
              .insertInto('effects')
              .values({ event_id: e.id, event_key: e.key, seq_no: tries, pid: 0 })
              .execute();
          },
        },
      });
    try {
      const shipped = { ...event('shop', 'order-8', 'Shipped', { seq: 0 }), partition: 0, offset: 0 };
      const handling = following(60_000).handle(shipped);
      await waitFor(() => tries >= 6, 20_000, 'retries past the 2 attempts');
      assert.deepEqual(await listParked(store), [], 'not parked while it waits');
      orderSaved = true;
      await handling;
      const effects = await store.db.selectFrom('effects').select('event_id').execute();
      assert.deepEqual(
        effects.map((r) => r.event_id),
        [shipped.id],
        'handled once what it needed was written',
      );

      orderSaved = false;
      const never = { ...event('shop', 'order-9', 'Shipped', { seq: 0 }), partition: 0, offset: 1 };
      await following(300).handle(never);
      const parked = await listParked(store);
      assert.deepEqual(
        parked.map((p) => p.eventId),
        [never.id],
      );
      assert.match(parked[0].error, /order order-9 not found \(yet\)/);
    } finally {
      await bus.close();
      await store.close();
    }
  });
}
