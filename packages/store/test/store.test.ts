import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { sql } from 'kysely';
import { type Kysely, openStore } from '../src/index.ts';
import { storeSuite } from './suite.ts';

storeSuite('SQLite', async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-store-')), 'test.db')}`);

test('an unknown DATABASE_URL is refused with a clear message, credentials hidden', async () => {
  await assert.rejects(openStore('oracle://scott:tiger@db/x'), (error: Error) => {
    assert.match(error.message, /unknown database/);
    assert.doesNotMatch(error.message, /tiger/);
    return true;
  });
});

test("a write lock held by another connection is waited for on the event loop, not in SQLite's busy handler", async () => {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-store-lock-')), 'shared.db')}`;
  // Two stores on one file in one process: what two replicas of a service are, minus the processes.
  const [first, second] = [await openStore<Counter>(url), await openStore<Counter>(url)];
  after(() => Promise.all([first.close(), second.close()]));
  await first.migrate({
    '0001_counter': {
      async up(db) {
        await db.schema.createTable('counter').addColumn('value', 'integer').execute();
        await db.insertInto('counter').values({ value: 0 }).execute();
      },
    },
  });
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  after(() => clearInterval(ticker)); // also when an assertion below failed
  let releaseFirst!: () => void;
  const firstHolds = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  const firstDone = first.transaction(async (trx) => {
    await trx.updateTable('counter').set({ value: 1 }).execute();
    await firstHolds; // the lock stays held until a timer below lets go of it
  });
  await setTimeout(20);
  const secondStarted = performance.now();
  const secondDone = second.transaction(async (trx) => {
    const { value } = await trx.selectFrom('counter').select('value').executeTakeFirstOrThrow();
    await trx
      .updateTable('counter')
      .set({ value: value + 1 })
      .execute();
  });
  // Only a free event loop runs this timer; a busy handler sleeping in the thread would hold it
  // (and `second` would fail with SQLITE_BUSY after 10 s, the first still holding the lock).
  const ticksBefore = ticks;
  await setTimeout(100);
  releaseFirst();
  await Promise.all([firstDone, secondDone]);
  assert.ok(
    ticks - ticksBefore >= 5,
    `the event loop kept turning while waiting (${ticks - ticksBefore} ticks)`,
  );
  assert.ok(performance.now() - secondStarted < 5_000, 'the second transaction ran once the lock was free');
  const { value } = await second.db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
  assert.equal(value, 2, 'both updates, one after the other');
});

interface Counter {
  counter: { value: number };
}

test('a store opened while another process holds the file waits for it, not failing with SQLITE_BUSY', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'bounded-store-open-')), 'held.db');
  // A file not yet in WAL, held exclusively: what a store sees opening beside a process that
  // recovers a killed writer's journal (SQLite answers the opening pragma BUSY at once there).
  const holder = new DatabaseSync(file);
  holder.exec('CREATE TABLE t (x integer)');
  holder.exec('BEGIN EXCLUSIVE');
  holder.exec('INSERT INTO t VALUES (1)');
  const opening = openStore(`sqlite:${file}`);
  await setTimeout(150);
  holder.exec('COMMIT');
  holder.close();
  const store = await opening;
  after(() => store.close());
  const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(store.db);
  assert.equal(rows[0]?.n, 1);
});

test('replicas starting together apply each migration once', async () => {
  const url = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-store-migrate-')), 'shared.db')}`;
  const stores = await Promise.all(Array.from({ length: 4 }, () => openStore<Applied>(url)));
  after(() => Promise.all(stores.map((store) => store.close())));
  const migrations = {
    '0001_applied': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('applied').addColumn('migration', 'text').execute();
        await db.insertInto('applied').values({ migration: '0001' }).execute();
      },
    },
    '0002_more': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('more').addColumn('id', 'integer').execute();
        await db.insertInto('applied').values({ migration: '0002' }).execute();
      },
    },
  };
  await Promise.all(stores.map((store) => store.migrate(migrations)));
  const rows = await stores[0].db.selectFrom('applied').select('migration').orderBy('migration').execute();
  assert.deepEqual(
    rows.map((row) => row.migration),
    ['0001', '0002'],
  );
});

interface Applied {
  applied: { migration: string };
}
