import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { claimPort, freePort } from '../src/testing/processes.ts';

const processes = join(import.meta.dirname, '..', 'src', 'testing', 'processes.ts');

/** Another test process: claims the port, says so, holds it until told to go. */
async function holderOf(port: number) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `const { claimPort } = await import(${JSON.stringify(processes)});
       console.log(claimPort(${port}) ? 'claimed' : 'refused');
       process.stdin.once('data', () => process.exit(0));`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const [answer] = await once(child.stdout, 'data');
  return {
    answer: String(answer).trim(),
    async release() {
      child.stdin.write('go\n');
      await once(child, 'exit');
    },
  };
}

describe('freePort', () => {
  it('never hands out a port another live test process holds, and frees it when that one exits', async () => {
    const port = await freePort();
    const taken = 61_000 + (port % 1000);
    const holder = await holderOf(taken);
    assert.equal(holder.answer, 'claimed');
    assert.equal(claimPort(taken), false, 'claimed by the other process');
    await holder.release();
    assert.equal(claimPort(taken), true, 'its claim is gone with it');
    assert.equal(claimPort(taken), false, 'and now ours');
  });

  it('hands out a different port on every ask, outside the fixed test blocks', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    assert.equal(new Set(ports).size, ports.length);
    assert.ok(ports.every((p) => p < 38_000 || p > 39_999));
  });
});
