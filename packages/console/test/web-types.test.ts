/** The front end (web/, DOM types) typechecks with its own tsconfig: the root typecheck leaves it out. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';

it('the front end typechecks', { timeout: 180_000 }, () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(import.meta.dirname, '..', 'web', 'tsconfig.json'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
