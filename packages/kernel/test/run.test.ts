import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCEPTORS } from '../src/acceptors.ts';
import { LISTEN_BACKLOG } from '../src/run.ts';

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

/** Waits until the child's lines so far satisfy `done` (its exit first fails the wait). */
async function eventuallyLines(child: Child, done: (lines: string[]) => boolean): Promise<void> {
  for (;;) {
    if (done(child.lines)) return;
    if (child.proc.exitCode !== null) throw new Error(`fixture exited (${child.proc.exitCode})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('runService', () => {
  it('listens on HTTP_ACCEPTORS sockets (16 by default), each with a backlog of LISTEN_BACKLOG', async () => {
    const child = startFixture();
    try {
      const port = Number((await child.waitFor(/^listening \d+$/)).split(' ')[1]);
      // One line per listening socket; for those, ss's Send-Q is the backlog.
      const sockets = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/));
      assert.equal(sockets.length, DEFAULT_ACCEPTORS, sockets.join('\n'));
      const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
      for (const s of sockets) assert.equal(Number(s[2]), Math.min(LISTEN_BACKLOG, somaxconn), s.join(' '));
      assert.ok(LISTEN_BACKLOG > 511 && somaxconn > 511, 'more than the default of Node');
      // Every one of them serves: many connections, each on its own, all answered.
      const answers = await Promise.all(Array.from({ length: 64 }, () => get(port, '/health/ready')));
      assert.ok(answers.every((a) => a.status === 200));
    } finally {
      child.proc.kill('SIGKILL');
    }
  });

  it('refuses a port another process listens on, as a plain listen would', async () => {
    const first = startFixture();
    let second: Child | undefined;
    try {
      const port = Number((await first.waitFor(/^listening \d+$/)).split(' ')[1]);
      second = startFixture({ PORT: String(port) });
      assert.notEqual(await second.exit, 0, 'the second one must not share the port');
      assert.equal(await connect(port), 'connected', 'the first one still serves');
    } finally {
      first.proc.kill('SIGKILL');
      second?.proc.kill('SIGKILL');
    }
  });

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

  it('on SIGTERM with keep-alive clients: their requests in flight answered, then their connections closed, exit 0', async () => {
    const child = startFixture({ SLOW_MS: '800' });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 12 });
    try {
      const port = Number((await child.waitFor(/^listening \d+$/)).split(' ')[1]);
      // Twelve connections: some land on each of the process's listening sockets.
      const answers = Array.from(
        { length: 12 },
        () =>
          new Promise<number>((resolve, reject) =>
            http
              .get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              })
              .on('error', reject),
          ),
      );
      await eventuallyLines(child, (lines) => lines.filter((l) => l === 'slow started').length === 12);
      child.proc.kill('SIGTERM');
      assert.deepEqual(await Promise.all(answers), Array(12).fill(200));
      // 1 would be the shutdown timer's: the close waiting on idle keep-alive connections.
      assert.equal(await child.exit, 0);
    } finally {
      agent.destroy();
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
