import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../src/testing/index.ts';
import { claimPort, freePort, killAll, startProcess } from '../src/testing/processes.ts';

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

describe('startProcess', () => {
  it('refuses a port another process answers on, though that one says it is ready', async (t) => {
    const port = await freePort();
    const impostor = createServer((_req, res) => res.end('{"status":"UP"}')).listen(port, '127.0.0.1');
    await once(impostor, 'listening');
    t.after(async () => {
      await killAll();
      impostor.close();
    });
    const idle = join(tempDir('processes-'), 'idle.mjs');
    writeFileSync(idle, 'setInterval(() => {}, 1000);');
    await assert.rejects(startProcess('idle', idle, port, {}), /port \d+ is answered by another process/);
  });

  it('takes a process that listens on its port for started', async (t) => {
    const port = await freePort();
    const service = join(tempDir('processes-'), 'service.mjs');
    writeFileSync(
      service,
      `import { createServer } from 'node:http';
       createServer((_req, res) => res.end('{"status":"UP"}')).listen(Number(process.env.PORT), '127.0.0.1');`,
    );
    t.after(killAll);
    const started = await startProcess('service', service, port, {});
    assert.equal((await fetch(`${started.url}/health/ready`)).status, 200);
  });
});
