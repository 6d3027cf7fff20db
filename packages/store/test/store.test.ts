import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../src/index.ts';
import { storeSuite } from './suite.ts';

storeSuite('SQLite', async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-store-')), 'test.db')}`);

test('an unknown DATABASE_URL is refused with a clear message, credentials hidden', async () => {
  await assert.rejects(openStore('oracle://scott:tiger@db/x'), (error: Error) => {
    assert.match(error.message, /unknown database/);
    assert.doesNotMatch(error.message, /tiger/);
    return true;
  });
});
