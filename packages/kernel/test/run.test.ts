import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');

interface Child {
  proc: ChildProcess;
  lines: string[];
  waitFor(line: RegExp): Promise<string>;
  exit: Promise<number | null>;
}

function startFixture(env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'service.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.re.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exit = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    lines,
    exit,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        waiters.push({ re, resolve });
        exit.then((code) => reject(new Error(`fixture exited (${code}) before ${re}:\n${stderr}`)));
      }),
  };
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

function connect(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health/live', agent: false }, (res) => {
      res.resume();
      resolve('connected');
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('runService', () => {
  it('on SIGTERM: finishes in-flight requests, refuses new ones, closes resources in reverse, exits 0', async () => {
    const child = startFixture({ SLOW_MS: '1500' });
    try {
      const port = Number((await child.waitFor(/^listening \d+$/)).split(' ')[1]);
      assert.equal(await connect(port), 'connected');

      let slowDone = false;
      const slow = get(port, '/slow').finally(() => {
        slowDone = true;
      });
      await child.waitFor(/^slow started$/);
      child.proc.kill('SIGTERM');

      // New connections must be refused while the slow request is still running.
      let refused = '';
      for (let i = 0; i < 50 && !slowDone; i++) {
        const r = await connect(port);
        if (r === 'ECONNREFUSED') {
          refused = r;
          break;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(refused, 'ECONNREFUSED');
      assert.equal(slowDone, false, 'refused while the in-flight request was still running');

      const res = await slow;
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { done: true, readyAtEnd: false });

      assert.equal(await child.exit, 0);
      const order = child.lines.filter((l) => l === 'slow finished' || l.startsWith('closed '));
      assert.deepEqual(order, ['slow finished', 'closed relay', 'closed bus', 'closed store']);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('exits 1 when shutdown exceeds its timeout', async () => {
    const child = startFixture({ HANG_ON_CLOSE: '1', SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      await child.waitFor(/^listening \d+$/);
      child.proc.kill('SIGTERM');
      assert.equal(await child.exit, 1);
      assert.ok(!child.lines.includes('closed bus'), 'gave up at the stuck resource');
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('exits 1 at once on a second signal', async () => {
    const child = startFixture({ HANG_ON_CLOSE: '1' });
    try {
      await child.waitFor(/^listening \d+$/);
      child.proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 200));
      child.proc.kill('SIGINT');
      assert.equal(await child.exit, 1);
    } finally {
      child.proc.kill('SIGKILL');
    }
  });
});
