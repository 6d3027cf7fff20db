import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { type Kysely, openStore, withSerialKey } from '../src/index.ts';

interface Tables {
  counter: { id: number; value: number };
  item: { seq?: number; name: string };
}

const migrations = {
  '0001_counter': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('counter')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
      await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
    },
  },
  '0002_item': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('item'), 'seq', db)
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .execute();
    },
  },
};

const tempDb = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-store-')), 'test.db')}`;

test('migrations apply once, in order, and are remembered across opens', async () => {
  const url = tempDb();
  const store = await openStore<Tables>(url);
  await store.migrate(migrations);
  await store.migrate(migrations);
  await store.db
    .insertInto('item')
    .values([{ name: 'a' }, { name: 'b' }])
    .execute();
  await store.close();
  const again = await openStore<Tables>(url);
  await again.migrate(migrations);
  const items = await again.db.selectFrom('item').selectAll().orderBy('seq').execute();
  assert.deepEqual(
    items.map((i) => [i.seq, i.name]),
    [
      [1, 'a'],
      [2, 'b'],
    ],
  );
  await again.close();
  assert.equal(again.isOpen(), false);
});

test('a transaction that throws leaves nothing behind', async () => {
  const store = await openStore<Tables>(tempDb());
  await store.migrate(migrations);
  await assert.rejects(
    store.transaction(async (trx) => {
      await trx.insertInto('item').values({ name: 'half' }).execute();
      throw new Error('decided against it');
    }),
    /decided against it/,
  );
  assert.equal((await store.db.selectFrom('item').selectAll().execute()).length, 0);
  await store.close();
});

test('processes sharing one SQLite file serialize their transactions: no lost update, no busy error', async () => {
  const url = tempDb();
  const store = await openStore<Tables>(url);
  await store.migrate(migrations);
  const run = promisify(execFile);
  const fixture = join(import.meta.dirname, 'fixtures', 'increment.ts');
  await Promise.all([1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', fixture, url, '150'])));
  const { value } = await store.db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
  assert.equal(value, 450);
  await store.close();
});

test('an unknown DATABASE_URL is refused with a clear message, credentials hidden', async () => {
  await assert.rejects(openStore('oracle://scott:tiger@db/x'), (error: Error) => {
    assert.match(error.message, /unknown database/);
    assert.doesNotMatch(error.message, /tiger/);
    return true;
  });
});
