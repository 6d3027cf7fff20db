// Members of one group starting at the same moment open the same new SQLite files together: none
// may fail with SQLITE_BUSY (seen on the engine tier: one of three consumers starting at once died
// in openSqlite's journal_mode pragma). Processes released at one moment open the same fresh files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const PROCESSES = 6;
const FILES = 40;
const run = promisify(execFile);

describe('opening the embedded log’s files', () => {
  it('never fails when many processes open the same new file at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounded-open-'));
    const paths = Array.from({ length: FILES }, (_, i) => join(dir, `group-${i}.db`));
    const fixture = join(import.meta.dirname, 'fixtures', 'open-at-once.ts');
    // Late enough for every process to have loaded; one that loads later only contends less.
    const at = String(Date.now() + 4000);
    const outputs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        run(process.execPath, ['--import', 'tsx', fixture, at, ...paths], { timeout: 60_000 }),
      ),
    );
    const failures = outputs.flatMap((o) => JSON.parse(o.stdout) as string[]);
    assert.deepEqual(failures, [], 'every open succeeded');
  });
});
