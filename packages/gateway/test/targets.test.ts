// The gateway's targets file: re-read at most every checkEveryMs while services have replicas,
// at once when one has none (a replica that just became ready is never refused meanwhile).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFileTargets } from '../src/targets.ts';

describe('targets from a file', () => {
  it('sees a service’s first replica at once, and other changes within the check period', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bounded-targets-')), 'targets.json');
    writeFileSync(file, JSON.stringify({ order: [] }));
    const targets = createFileTargets(file, 60_000);
    assert.deepEqual(targets('order'), []);
    await sleep(20); // a new mtime
    writeFileSync(file, JSON.stringify({ order: ['http://127.0.0.1:1'] }));
    assert.deepEqual(targets('order'), ['http://127.0.0.1:1'], 'no wait for the next check');
    await sleep(20);
    writeFileSync(file, JSON.stringify({ order: ['http://127.0.0.1:2'] }));
    assert.deepEqual(targets('order'), ['http://127.0.0.1:1'], 'while it has replicas: the check period');
  });
});
