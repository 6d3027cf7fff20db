// The outbox, relay, idempotent consumer and parking with the store on PostgreSQL and MariaDB
// (engines/postgres.sh, engines/mariadb.sh) and the embedded log: the SQLite tier's suites,
// plus what only a server with concurrent writers can show.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveredEvent, EventBus, EventMessage } from '@bounded/bus';
import { dropDatabase, ENGINE_DIALECTS, type EngineDialect, freshDatabase } from '@bounded/store/testing';
import { createOutbox, idempotentConsumer, listParked, OutboxRelay } from '../src/index.ts';
import { crashSuite } from './crash-suite.ts';
import { consumerOf, openTestStore } from './fixtures/world.ts';
import { poisonSuite } from './poison-suite.ts';

const made: string[] = [];
after(async () => {
  for (const url of made) await dropDatabase(url).catch(() => {});
});

const tierOf = (dialect: EngineDialect) => (dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB');

for (const dialect of ENGINE_DIALECTS) {
  const newDatabase = async () => {
    const url = await freshDatabase(dialect);
    made.push(url);
    return url;
  };
  const tier = tierOf(dialect);

  describe(`outbox and inbox under concurrent writers (${tier})`, () => {
    it('the relay neither skips nor deletes a row that commits late with a lower seq', async () => {
      const store = await openTestStore(await newDatabase());
      try {
        const outbox = createOutbox({ topic: 'shop', source: 'order' });
        const published: unknown[] = [];
        let duringPublish: (() => Promise<void>) | undefined;
        const bus = {
          engine: 'recording',
          async publish(messages: readonly EventMessage[]) {
            published.push(...messages.map((m) => m.data.orderId));
            const hook = duringPublish;
            duringPublish = undefined;
            await hook?.();
          },
        } as unknown as EventBus;
        const relay = new OutboxRelay({ store, bus });

        // The first transaction takes the lower seq and stays open…
        let release!: () => void;
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        let recorded!: () => void;
        const lateRecorded = new Promise<void>((resolve) => {
          recorded = resolve;
        });
        const late = store.transaction(async (trx) => {
          await outbox.record(trx, [{ type: 'Ordered', key: 'a', data: { orderId: 'late' } }]);
          recorded();
          await gate;
        });
        await lateRecorded;
        // …while a second one, with the higher seq, commits first.
        await store.transaction((trx) =>
          outbox.record(trx, [{ type: 'Ordered', key: 'b', data: { orderId: 'early' } }]),
        );
        // The lower one commits while the relay is publishing the higher one.
        duringPublish = async () => {
          release();
          await late;
        };
        await relay.drain();
        assert.deepEqual(published, ['early', 'late'], 'both published, in the order they became visible');
        assert.equal(await relay.backlog(), 0, 'and both deleted once published');
      } finally {
        await store.close();
      }
    });

    it('an event of 200 KB goes through the outbox, and parks, whole', async () => {
      const store = await openTestStore(await newDatabase());
      try {
        const big = 'é'.repeat(100_000); // 200 KB of UTF-8: past MySQL's TEXT (64 KB)
        const published: EventMessage[] = [];
        const bus = {
          engine: 'recording',
          async publish(messages: readonly EventMessage[]) {
            published.push(...messages);
          },
        } as unknown as EventBus;
        const outbox = createOutbox({ topic: 'shop', source: 'order' });
        await store.transaction((trx) => outbox.record(trx, [{ type: 'Ordered', key: 'k', data: { big } }]));
        await new OutboxRelay({ store, bus }).drain();
        assert.equal(published[0]?.data.big, big);
        const consumer = idempotentConsumer({
          store,
          group: 'store',
          attempts: 1,
          handlers: {
            Ordered: async () => {
              throw new Error(big);
            },
          },
        });
        await consumer.handle({ ...published[0]!, partition: 0, offset: 0 });
        const [parked] = await listParked(store);
        assert.ok(parked, 'parked');
        assert.equal((parked.data as { big: string }).big, big);
        assert.ok(parked.error.endsWith(big));
      } finally {
        await store.close();
      }
    });

    it('two replicas handed the same event at once: one effect, the other sees a duplicate', async () => {
      const url = await newDatabase();
      const [a, b] = [await openTestStore(url), await openTestStore(url)];
      try {
        const slow = (store: typeof a) =>
          idempotentConsumer({
            store,
            group: 'store',
            baseDelayMs: 5,
            handlers: {
              Ordered: async (event, trx) => {
                await trx
                  .insertInto('effects')
                  .values({ event_id: event.id, event_key: event.key, seq_no: 0, pid: process.pid })
                  .execute();
                await sleep(50); // both are inside their transactions now
              },
            },
          });
        const event: DeliveredEvent = {
          id: 'evt-1',
          topic: 'shop',
          key: 'order-1',
          type: 'Ordered',
          timestamp: Date.now(),
          data: {},
          partition: 0,
          offset: 0,
        };
        await Promise.all([slow(a).handle(event), slow(b).handle(event)]);
        const effects = await a.db.selectFrom('effects').selectAll().execute();
        assert.equal(effects.length, 1, 'the inbox key let one transaction through');
        // And a plain redelivery later is absorbed as well.
        await consumerOf(b).handle(event);
        assert.equal((await a.db.selectFrom('effects').selectAll().execute()).length, 1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  poisonSuite(tier, () => newDatabase());
  crashSuite(tier, () => newDatabase());
}
