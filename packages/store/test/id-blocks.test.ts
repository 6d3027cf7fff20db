import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { idBlockMigrations, idBlocks, openStore } from '../src/index.ts';

const tempDb = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-ids-')), 'ids.db')}`;

test('ids come from blocks: increasing in one process, disjoint across stores sharing the file, starting at the floor', async () => {
  const url = tempDb();
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
  assert.deepEqual(fromB, [72, 73, 74, 75, 76], "another process's block starts after every reserved one");
  const other = await idBlocks(a, 'invoice').next();
  assert.equal(other, 1, 'each name is its own sequence');
  await Promise.all([a.close(), b.close()]);
});

test('a restart skips the rest of its block: gaps, never a repeat', async () => {
  const url = tempDb();
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
