/**
 * A service's shutdown ends within its timeout whatever its stdout does: a pipe nobody reads
 * (full), a pipe whose reader is gone (EPIPE), a main thread stuck for good; and a service
 * spawned with the runner's IPC channel stops when that channel closes. Real processes.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'noisy-service.ts');
/** Generous: a loaded machine is slow to start tsx; what is checked is how it ended, not when. */
const EXIT_WAIT_MS = 30_000;

interface Noisy {
  proc: ChildProcess;
  stderr: string[];
  listening: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startNoisy(env: Record<string, string>, ipc = false): Noisy {
  const proc = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  // Never read: the pipe fills up, as a supervisor's would that stopped reading.
  proc.stdout!.pause();
  const stderr: string[] = [];
  const exited = once(proc, 'exit').then(([code, signal]) => ({ code, signal }));
  const listening = new Promise<void>((resolve, reject) => {
    createInterface({ input: proc.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (line.startsWith('listening ')) resolve();
    });
    exited.then((e) =>
      reject(new Error(`exited (${JSON.stringify(e)}) before listening: ${stderr.join('\n')}`)),
    );
  });
  return { proc, stderr, listening, exited };
}

async function exitOf(noisy: Noisy): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${EXIT_WAIT_MS} ms: hung`)), EXIT_WAIT_MS);
  });
  try {
    return await Promise.race([noisy.exited, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a service whose log sink is stuck', () => {
  it('shuts down cleanly on SIGTERM although its stdout pipe is full', async () => {
    const noisy = startNoisy({});
    try {
      await noisy.listening;
      noisy.proc.kill('SIGTERM');
      assert.deepEqual(await exitOf(noisy), { code: 0, signal: null });
      assert.ok(noisy.stderr.includes('closed store'), noisy.stderr.join('\n'));
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });

  it('still exits 1 on its shutdown timer when a close hangs and stdout is full', async () => {
    const noisy = startNoisy({ STUCK_ON_CLOSE: 'promise', SHUTDOWN_TIMEOUT_MS: '500' });
    try {
      await noisy.listening;
      noisy.proc.kill('SIGTERM');
      assert.deepEqual(await exitOf(noisy), { code: 1, signal: null });
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });

  it('shuts down cleanly when the reader of its stdout is gone (EPIPE)', async () => {
    const noisy = startNoisy({});
    try {
      await noisy.listening;
      noisy.proc.stdout!.destroy();
      noisy.proc.kill('SIGTERM');
      assert.deepEqual(await exitOf(noisy), { code: 0, signal: null });
      assert.ok(noisy.stderr.includes('closed store'), noisy.stderr.join('\n'));
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });

  it('is killed by its worker-thread backstop when the main thread is stuck for good', async () => {
    const noisy = startNoisy({ STUCK_ON_CLOSE: 'thread', SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      await noisy.listening;
      noisy.proc.kill('SIGTERM');
      assert.deepEqual(await exitOf(noisy), { code: null, signal: 'SIGKILL' });
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });
});

describe('a service spawned with a supervisor channel', () => {
  it('shuts down cleanly when the channel closes (its runner is gone)', async () => {
    const noisy = startNoisy({}, true);
    try {
      await noisy.listening;
      noisy.proc.disconnect();
      assert.deepEqual(await exitOf(noisy), { code: 0, signal: null });
      assert.ok(noisy.stderr.includes('closed store'), noisy.stderr.join('\n'));
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });

  it('runs on while the channel stays open (the channel does not end it by itself)', async () => {
    const noisy = startNoisy({}, true);
    try {
      await noisy.listening;
      // Liveness over a few ppid polls: it must still answer, i.e. not have taken itself down.
      const port = Number(noisy.stderr.find((l) => l.startsWith('listening '))!.split(' ')[1]);
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`http://127.0.0.1:${port}/health/live`);
        assert.equal(res.status, 200);
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(noisy.proc.exitCode, null);
    } finally {
      noisy.proc.kill('SIGKILL');
    }
  });
});

describe('a service whose supervisor is gone but its channel is held by another process', () => {
  it('notices its parent changed and shuts down', async () => {
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'leaky-parent.ts')],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let pids: number[] = [];
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: parent.stdout! }).on('line', (l) => l.startsWith('pids ') && resolve(l));
        parent.once('exit', () => reject(new Error('the parent exited early')));
      });
      pids = line.split(' ').slice(1).map(Number);
      const [service, holder] = pids;
      parent.kill('SIGKILL');
      await once(parent, 'exit');
      const deadline = Date.now() + EXIT_WAIT_MS;
      while (alive(service) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(service), false, 'the service outlived its parent');
      assert.equal(alive(holder), true, 'the channel was still held open: only the parent watch could tell');
    } finally {
      for (const pid of pids) kill(pid);
      parent.kill('SIGKILL');
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}
