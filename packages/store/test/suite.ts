/**
 * The store's cases, run by every tier against its databases: store.test.ts and
 * id-blocks.test.ts on SQLite files, store.engines.test.ts on PostgreSQL and MariaDB.
 * `newUrl` answers the URL of a new, empty database.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  idBlockMigrations,
  idBlocks,
  insertForId,
  isUniqueViolation,
  type Kysely,
  openStore as open,
  reusable,
  type Store,
  withSerialKey,
} from '../src/index.ts';

const run = promisify(execFile);

/** Stores a case opened, closed after it even when it failed (an open pool keeps the test process alive). */
const opened: Store<unknown>[] = [];
async function openStore<DB>(url: string): Promise<Store<DB>> {
  const store = await open<DB>(url);
  opened.push(store as Store<unknown>);
  return store;
}
async function closeOpened(): Promise<void> {
  await Promise.all(opened.splice(0).map((s) => s.close()));
}
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

interface Tables {
  counter: { id: number; value: number };
  item: { seq?: number; name: string };
  sample: { id?: number; code: string; label: string; at: number };
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
  '0003_sample': {
    async up(db: Kysely<any>) {
      await withSerialKey(db.schema.createTable('sample'), 'id', db)
        .addColumn('code', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('label', 'varchar(255)', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

export function storeSuite(tier: string, newUrl: () => Promise<string>): void {
  describe(`store (${tier})`, () => {
    afterEach(closeOpened);
    it('migrations apply once, in order, and are remembered across opens', async () => {
      const url = await newUrl();
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

    it('a duplicate key is told apart from other errors (isUniqueViolation), for each driver', async () => {
      const store = await openStore<Tables>(await newUrl());
      await store.migrate(migrations); // counter 1 is there
      const duplicate = await store.db
        .insertInto('counter')
        .values({ id: 1, value: 1 })
        .execute()
        .catch((error: unknown) => error);
      assert.equal(isUniqueViolation(duplicate), true, String(duplicate));
      const other = await store.db
        .insertInto('counter')
        .values({ id: 2, value: null as unknown as number })
        .execute()
        .catch((error: unknown) => error);
      assert.ok(other instanceof Error, 'a NOT NULL column refuses null');
      assert.equal(isUniqueViolation(other), false, String(other));
      await store.close();
    });

    it('a transaction that throws leaves nothing behind', async () => {
      const store = await openStore<Tables>(await newUrl());
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

    it('processes sharing one database serialize their read-modify-writes (forUpdate): no lost update, no busy error', async () => {
      const url = await newUrl();
      const store = await openStore<Tables>(url);
      await store.migrate(migrations);
      await Promise.all(
        [1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', fixture('increment.ts'), url, '150'])),
      );
      const { value } = await store.db.selectFrom('counter').select('value').executeTakeFirstOrThrow();
      assert.equal(value, 450);
      await store.close();
    });

    it('answers the same types on every dialect: bigint as number, generated keys, exact text keys', async () => {
      const store = await openStore<Tables>(await newUrl());
      await store.migrate(migrations);
      const at = Date.UTC(2030, 0, 1, 12, 0, 0, 123);
      const first = await insertForId(store.db, 'sample', { code: 'rose', label: '장미 한바구니', at });
      const second = await store.transaction((trx) =>
        insertForId(trx, 'sample', { code: 'Rose', label: 'Rose', at: at + 1 }),
      );
      assert.deepEqual([first, second], [1, 2], 'generated keys, in and out of a transaction');
      const rows = await store.db.selectFrom('sample').selectAll().orderBy('code').execute();
      assert.deepEqual(rows, [
        { id: 2, code: 'Rose', label: 'Rose', at: at + 1 },
        { id: 1, code: 'rose', label: '장미 한바구니', at },
      ]);
      assert.equal(typeof rows[0]!.at, 'number', 'a bigint column reads as a number');
      const { n } = await store.db
        .selectFrom('sample')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('code', '=', 'rose')
        .executeTakeFirstOrThrow();
      assert.equal(n, 1, 'counts are numbers; text keys compare case-sensitively');
      await assert.rejects(
        store.db.insertInto('sample').values({ code: 'rose', label: 'again', at }).execute(),
        'a unique key refuses an exact duplicate',
      );
      await store.close();
    });

    it('a reusable query is built once per shape and answers what building it each time would', async () => {
      const store = await openStore<Tables>(await newUrl());
      await store.migrate(migrations);
      const builds: string[] = [];
      const insertSamples = reusable((db, values) => {
        builds.push(`insert ${values.length}`);
        const rows = [];
        for (let i = 0; i < values.length; i += 3) {
          rows.push({
            code: values[i] as string,
            label: values[i + 1] as string,
            at: values[i + 2] as number,
          });
        }
        return (db as Kysely<Tables>).insertInto('sample').values(rows);
      });
      // `label` before `code` in the values: the parameters come out in another order than the
      // SQL wants them, so this one must be built every time, and still be right.
      const findSample = reusable((db, [label, code]) => {
        builds.push('find');
        return (db as Kysely<Tables>)
          .selectFrom('sample')
          .select(['code', 'label'])
          .where('code', '=', code as string)
          .where('label', '=', label as string);
      });
      await insertSamples(store.db, ['a', 'A', 1], '1');
      await store.transaction(async (trx) => {
        await insertSamples(trx, ['b', 'B', 2], '1');
        await insertSamples(trx, ['c', 'C', 3, 'd', 'D', 4], '2');
      });
      await insertSamples(store.db, ['e', 'E', 5, 'f', 'F', 6], '2');
      const found = await findSample(store.db, ['D', 'd']);
      assert.deepEqual(found.rows, [{ code: 'd', label: 'D' }]);
      assert.deepEqual((await findSample(store.db, ['E', 'e'])).rows, [{ code: 'e', label: 'E' }]);
      const rows = await store.db
        .selectFrom('sample')
        .select(['code', 'label', 'at'])
        .orderBy('at')
        .execute();
      assert.deepEqual(
        rows.map((r) => `${r.code}${r.label}${r.at}`),
        ['aA1', 'bB2', 'cC3', 'dD4', 'eE5', 'fF6'],
      );
      // One check per shape (`insert 3`, `insert 6`) and nothing after; the misordered query is
      // built for its check and then for each of its two runs.
      assert.deepEqual(builds, ['insert 3', 'insert 6', 'find', 'find', 'find']);
      await store.close();
    });
  });
}

export function idBlockSuite(tier: string, newUrl: () => Promise<string>): void {
  describe(`id blocks (${tier})`, () => {
    afterEach(closeOpened);
    it('ids come from blocks: increasing in one process, disjoint across stores sharing the database, starting at the floor', async () => {
      const url = await newUrl();
      const [a, b] = [await openStore(url), await openStore(url)];
      await a.migrate(idBlockMigrations);
      const first = idBlocks(a, 'order', { blockSize: 10, floor: async () => 42 });
      assert.equal(idBlocks(a, 'order'), first, 'one allocator per database and name');
      const fromA = await Promise.all(Array.from({ length: 25 }, () => first.next()));
      assert.deepEqual(
        fromA,
        Array.from({ length: 25 }, (_, i) => 42 + i),
        'concurrent callers share blocks without repeats',
      );
      const fromB = await Promise.all(
        Array.from({ length: 5 }, () => idBlocks(b, 'order', { blockSize: 10 }).next()),
      );
      assert.deepEqual(
        fromB,
        [72, 73, 74, 75, 76],
        "another process's block starts after every reserved one",
      );
      const other = await idBlocks(a, 'invoice').next();
      assert.equal(other, 1, 'each name is its own sequence');
      await Promise.all([a.close(), b.close()]);
    });

    it('a restart skips the rest of its block: gaps, never a repeat', async () => {
      const url = await newUrl();
      const before = await openStore(url);
      await before.migrate(idBlockMigrations);
      const given = [
        await idBlocks(before, 'order', { blockSize: 5 }).next(),
        await idBlocks(before, 'order').next(),
      ];
      await before.close();
      const after = await openStore(url);
      const next = await idBlocks(after, 'order', { blockSize: 5 }).next();
      assert.deepEqual(given, [1, 2]);
      assert.equal(next, 6);
      await after.close();
    });

    it('processes racing for a new sequence and then for its blocks never hand out an id twice', async () => {
      const url = await newUrl();
      const store = await openStore(url);
      await store.migrate(idBlockMigrations);
      await store.close();
      const outputs = await Promise.all(
        [1, 2, 3].map(() =>
          run(process.execPath, ['--import', 'tsx', fixture('reserve.ts'), url, '60', '7']),
        ),
      );
      const ids = outputs.flatMap((o) => o.stdout.trim().split(/\s+/).map(Number));
      assert.equal(ids.length, 180);
      assert.equal(new Set(ids).size, 180, 'no id was handed out twice');
      assert.ok(
        ids.every((id) => Number.isSafeInteger(id) && id >= 100),
        'every id starts at the floor',
      );
    });
  });
}
