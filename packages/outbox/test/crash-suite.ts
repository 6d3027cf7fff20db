import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertPerKeyOrder } from '@bounded/bus/contract';
import type { Store } from '@bounded/store';
import { openTestStore, type Tables } from './fixtures/world.ts';
import { startFixture } from './processes.ts';

/** A place for one case: the embedded log's directory and the two services' databases. */
export interface Place {
  busDir: string;
  producerDb: string;
  consumerDb: string;
}

/** The producer's and the consumer's database: new and empty, of the tier's dialect. */
export type NewDatabase = (dir: string, name: 'order' | 'store') => Promise<string>;

async function withStore<T>(dbUrl: string, work: (store: Store<Tables>) => Promise<T>): Promise<T> {
  const store = await openTestStore(dbUrl);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

function effects(dbUrl: string) {
  return withStore(
    dbUrl,
    async (store) =>
      (await store.db.selectFrom('effects').selectAll().orderBy('seq').execute()) as Array<
        Required<Tables['effects']>
      >,
  );
}

function countRows(dbUrl: string, table: 'orders' | 'effects'): Promise<number> {
  return withStore(dbUrl, async (store) => {
    const { n } = await store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(n);
  });
}

function assertEachOnce(rows: Array<{ event_id: string }>, expected: number) {
  const ids = new Set(rows.map((r) => r.event_id));
  assert.equal(ids.size, expected, 'every event had its effect');
  assert.equal(rows.length, expected, 'no effect happened twice');
}

/**
 * The outbox's and inbox's crash cases on real processes: crash.test.ts runs them on SQLite,
 * crash.engines.test.ts on PostgreSQL and MariaDB (the bus is the embedded log in every tier).
 */
export function crashSuite(tier: string, newDatabase: NewDatabase): void {
  async function place(): Promise<Place> {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-crash-'));
    return {
      busDir: join(dir, 'bus'),
      producerDb: await newDatabase(dir, 'order'),
      consumerDb: await newDatabase(dir, 'store'),
    };
  }

  describe(`crash safety (real processes, kill -9, ${tier})`, () => {
    it('a producer killed between commit and relay still delivers, and the effect happens once', async () => {
      const { busDir, producerDb, consumerDb } = await place();
      const held = startFixture('producer.ts', [busDir, producerDb, 'hold', '40']);
      await held.waitFor(/committed/);
      await held.kill9();
      const consumer = startFixture('consumer.ts', [busDir, consumerDb]);
      await sleep(500);
      assert.equal(await countRows(consumerDb, 'effects'), 0, 'nothing was relayed before the kill');
      const drain = startFixture('producer.ts', [busDir, producerDb, 'drain']);
      await drain.waitFor(/drained/);
      await waitUntil(async () => (await countRows(consumerDb, 'effects')) >= 40);
      await sleep(300);
      assertEachOnce(await effects(consumerDb), 40);
      await consumer.terminate();
    });

    it('a producer killed at a random point while relaying loses nothing committed and repeats nothing', async () => {
      const { busDir, producerDb, consumerDb } = await place();
      const consumer = startFixture('consumer.ts', [busDir, consumerDb]);
      for (let round = 0; round < 3; round++) {
        const streaming = startFixture('producer.ts', [busDir, producerDb, 'stream']);
        if (round === 0) await streaming.waitFor(/streaming/);
        await sleep(150 + Math.random() * 300);
        await streaming.kill9();
      }
      const drain = startFixture('producer.ts', [busDir, producerDb, 'drain']);
      await drain.waitFor(/drained/);
      const committed = await countRows(producerDb, 'orders');
      assert.ok(committed > 20, `orders were committed (${committed})`);
      await waitUntil(async () => (await countRows(consumerDb, 'effects')) >= committed);
      await sleep(300);
      assertEachOnce(await effects(consumerDb), committed);
      await consumer.terminate();
    });

    it('a consumer killed mid-batch loses nothing and applies no effect twice', async () => {
      const { busDir, producerDb, consumerDb } = await place();
      const held = startFixture('producer.ts', [busDir, producerDb, 'hold', '600']);
      await held.waitFor(/committed/);
      await held.kill9();
      await startFixture('producer.ts', [busDir, producerDb, 'drain']).waitFor(/drained/);
      const first = startFixture('consumer.ts', [busDir, consumerDb, '1']);
      await waitUntil(async () => (await countRows(consumerDb, 'effects')) >= 150);
      await first.kill9();
      const handledBeforeKill = await countRows(consumerDb, 'effects');
      assert.ok(handledBeforeKill < 600, 'killed mid-stream');
      const second = startFixture('consumer.ts', [busDir, consumerDb]);
      await waitUntil(async () => (await countRows(consumerDb, 'effects')) >= 600);
      const [delivered] = (await second.terminate()).filter((l) => l.startsWith('delivered'));
      assertEachOnce(await effects(consumerDb), 600);
      assert.ok(
        Number(delivered.split(' ')[1]) > 600 - handledBeforeKill,
        'the bus re-delivered what was handled but not committed; the inbox absorbed it',
      );
    });

    it('three consumer processes in one group handle every event once, spread over all three', async () => {
      const { busDir, producerDb, consumerDb } = await place();
      const members = [1, 2, 3].map(() => startFixture('consumer.ts', [busDir, consumerDb]));
      await waitUntil(
        async () => members.every((m) => lastAssigned(m.output).length > 0),
        30_000,
        () =>
          `all three assigned: ${members.map((m) => `[${lastAssigned(m.output)}] exit=${m.process.exitCode}`)}`,
      );
      const held = startFixture('producer.ts', [busDir, producerDb, 'hold', '900']);
      await held.waitFor(/committed/);
      await held.kill9();
      await startFixture('producer.ts', [busDir, producerDb, 'drain']).waitFor(/drained/);
      await waitUntil(
        async () => (await countRows(consumerDb, 'effects')) >= 900,
        30_000,
        () => `900 effects: ${members.map((m) => `[${lastAssigned(m.output)}] exit=${m.process.exitCode}`)}`,
      );
      const outputs = await Promise.all(members.map((m) => m.terminate()));
      const delivered = outputs.map((lines) =>
        Number(lines.find((l) => l.startsWith('delivered'))!.split(' ')[1]),
      );
      const rows = await effects(consumerDb);
      assertEachOnce(rows, 900);
      assert.equal(
        delivered.reduce((a, b) => a + b, 0),
        900,
        `the bus delivered each event to one member only: ${delivered}`,
      );
      assert.equal(new Set(rows.map((r) => r.pid)).size, 3, 'work spread over all three processes');
    });

    it('a consumer group down while 1,000 events are published handles them all, in per-key order, after restart', async () => {
      const { busDir, producerDb, consumerDb } = await place();
      const before = startFixture('consumer.ts', [busDir, consumerDb]);
      await waitUntil(async () => lastAssigned(before.output).length > 0);
      await before.terminate();
      const held = startFixture('producer.ts', [busDir, producerDb, 'hold', '1000']);
      await held.waitFor(/committed/);
      await held.kill9();
      await startFixture('producer.ts', [busDir, producerDb, 'drain']).waitFor(/drained/);
      assert.equal(await countRows(consumerDb, 'effects'), 0, 'nothing handled while the group was down');
      const after = startFixture('consumer.ts', [busDir, consumerDb]);
      await waitUntil(async () => (await countRows(consumerDb, 'effects')) >= 1000);
      await after.terminate();
      const rows = await effects(consumerDb);
      assertEachOnce(rows, 1000);
      // One producer wrote each key's events in seq order; the effects must follow it per key.
      assertPerKeyOrder(rows.map((r) => ({ key: r.event_key, data: { seq: r.seq_no } }) as never));
    });
  });
}

function lastAssigned(output: string[]): string {
  const line = output.findLast((l) => l.startsWith('assigned'));
  return line ? line.slice('assigned '.length).trim() : '';
}

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs = 30_000,
  what = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}
