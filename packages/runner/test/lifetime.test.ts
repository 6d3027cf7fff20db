/**
 * Supervision without leaks, with real processes: the runner stops with whoever started it
 * (npm included), its services stop when it is gone however it went, and a start after a crash
 * finds no stale process or port.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundle } from '@bounded/bundle';
import { freePort } from '@bounded/service-kit/testing';
import { pidFilePath } from '../src/index.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'runner.ts');
/** Generous bounds for a loaded machine: what is checked is that it happens. */
const UP_MS = 90_000;
const GONE_MS = 30_000;

const scratch: string[] = [];
const started: number[] = [];
after(() => {
  for (const pid of started) kill(pid, 'SIGKILL');
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

interface Runner {
  proc: ChildProcess;
  ports: number[];
  dataDir: string;
  stderr: string[];
  /** The runner's and its services' pids, once it printed `ready`. */
  ready: Promise<{ runner: number; services: number[] }>;
}

async function startRunner(
  options: {
    viaNpm?: boolean;
    dataDir?: string;
    ports?: number[];
    env?: Record<string, string>;
    /** A process group of its own, as a shell runs a foreground job (Ctrl-C signals it whole). */
    group?: boolean;
  } = {},
): Promise<Runner> {
  const ports = options.ports ?? [await freePort(), await freePort()];
  const dataDir = options.dataDir ?? tempDir('bounded-life-');
  const env = {
    ...process.env,
    LIFE_PORTS: ports.join(','),
    LIFE_DATA_DIR: dataDir,
    LIFE_CONTROL_PORT: String(await freePort()),
    ...options.env,
  };
  const proc = options.viaNpm
    ? spawn('npm', ['start', '--silent'], { cwd: npmProject(), env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: options.group ?? false,
      });
  started.push(proc.pid!);
  const stderr: string[] = [];
  createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const exited = once(proc, 'exit');
  const ready = new Promise<{ runner: number; services: number[] }>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('ready ')) return;
      const pids = JSON.parse(line.slice('ready '.length)) as { runner: number; services: number[] };
      started.push(pids.runner, ...pids.services);
      resolve(pids);
    });
    exited.then(() => reject(new Error(`runner exited before ready:\n${stderr.join('\n')}`)));
  });
  return { proc, ports, dataDir, stderr, ready: withTimeout(ready, UP_MS, 'runner ready') };
}

/** A project whose `npm start` runs the fixture runner, as the repository's runs scripts/start.ts. */
function npmProject(): string {
  const dir = tempDir('bounded-life-npm-');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'life', private: true, scripts: { start: `node --import tsx ${FIXTURE}` } }),
  );
  return dir;
}

describe('the runner and its processes live and die together (real processes)', () => {
  it('SIGTERM to the runner: every service stops, every port is free, the pid file is gone', async () => {
    const runner = await startRunner();
    const { services } = await runner.ready;
    assert.ok(existsSync(pidFilePath(runner.dataDir)), 'the pid file is written while running');
    runner.proc.kill('SIGTERM');
    await allGone([runner.proc.pid!, ...services], runner.ports, runner);
    assert.ok(!existsSync(pidFilePath(runner.dataDir)), 'the pid file is removed on a clean stop');
  });

  it('kill of npm running it (npm does not pass the signal on): the runner and every service stop', async () => {
    const npm = await startRunner({ viaNpm: true });
    const { runner, services } = await npm.ready;
    assert.notEqual(runner, npm.proc.pid, 'npm is a process of its own above the runner');
    npm.proc.kill('SIGTERM');
    await allGone([runner, ...services], npm.ports, npm);
  });

  it('Ctrl-C (SIGINT to the whole group): each service is stopped once, by the runner, and drains', async () => {
    // A drain delay makes a shutdown last long enough for a second signal to land in it.
    const runner = await startRunner({ group: true, env: { DRAIN_DELAY_MS: '800', LIFE_LOG_LEVEL: 'info' } });
    const { services } = await runner.ready;
    process.kill(-runner.proc.pid!, 'SIGINT');
    await allGone([runner.proc.pid!, ...services], runner.ports, runner);
    const logs = runner.stderr.join('\n');
    assert.doesNotMatch(logs, /second signal/, 'a service was signalled twice');
    assert.equal(logs.match(/"msg":"shut down"/g)?.length, 2, logs);
  });

  it('kill -9 of the runner: every service stops by itself and frees its port', async () => {
    const runner = await startRunner();
    const { services } = await runner.ready;
    runner.proc.kill('SIGKILL');
    await allGone(services, runner.ports, runner);
  });

  it('a start after a crash stops what the dead runner left behind and takes its port', async () => {
    const dataDir = tempDir('bounded-life-');
    const port = await freePort();
    // What a crashed runner leaves: its pid file, and a service without a channel still on its port.
    const orphan = await orphanOn(port, dataDir);
    const runner = await startRunner({ dataDir, ports: [port, await freePort()] });
    await runner.ready;
    await waitUntil(
      () => !alive(orphan.pid!),
      GONE_MS,
      () => 'the left-over process still runs',
    );
    assert.ok(
      runner.stderr.some((l) => l.includes('stopped left over') && l.includes(`pid ${orphan.pid}`)),
      runner.stderr.join('\n'),
    );
    runner.proc.kill('SIGTERM');
    await once(runner.proc, 'exit');
  });

  it('a second start on the data directory of a running one is refused, leaving the first alone', async () => {
    const first = await startRunner();
    const { services } = await first.ready;
    const second = await startRunner({ dataDir: first.dataDir });
    await assert.rejects(second.ready, /exited before ready/);
    assert.match(
      second.stderr.join('\n'),
      new RegExp(`another runner \\(pid ${first.proc.pid}\\) is running`),
    );
    assert.ok([first.proc.pid!, ...services].every(alive), 'the first runner and its services still run');
    first.proc.kill('SIGTERM');
    await allGone([first.proc.pid!, ...services], first.ports, first);
  });

  it('a port held by some other program: the start is refused, naming the port', async () => {
    const port = await freePort();
    const holder = await listenOn(port);
    try {
      const runner = await startRunner({ ports: [port, await freePort()] });
      await assert.rejects(runner.ready, /exited before ready/);
      assert.match(runner.stderr.join('\n'), new RegExp(`port\\(s\\) ${port} already in use`));
    } finally {
      holder.close();
    }
  });
});

/** The echo service started as a runner would, but left running with no runner, and recorded. */
async function orphanOn(port: number, dataDir: string): Promise<ChildProcess> {
  const echo = await bundle(join(import.meta.dirname, 'fixtures', 'echo.ts'), 'lifea-echo');
  const orphan = spawn(process.execPath, [echo], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  started.push(orphan.pid!);
  await withTimeout(
    (async () => {
      while (!(await answers(`http://127.0.0.1:${port}/health/ready`))) await sleep(100);
    })(),
    UP_MS,
    'orphan ready',
  );
  const deadRunner = spawn(process.execPath, ['-e', '']);
  await once(deadRunner, 'exit');
  writeFileSync(
    pidFilePath(dataDir),
    JSON.stringify({
      runner: { pid: deadRunner.pid, command: `${process.execPath} scripts/start.ts` },
      processes: [{ id: 'lifea/echo', pid: orphan.pid, port, bundle: echo }],
    }),
  );
  return orphan;
}

async function allGone(pids: number[], ports: number[], runner: Runner): Promise<void> {
  const why = () =>
    `still alive: ${pids.filter(alive).join(', ')}; logs:\n${runner.stderr.slice(-20).join('\n')}`;
  await waitUntil(() => pids.every((pid) => !alive(pid)), GONE_MS, why);
  for (const port of ports)
    assert.equal(await answers(`http://127.0.0.1:${port}/health/live`), false, `port ${port}`);
  for (const port of ports) (await listenOn(port)).close();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(why());
    await sleep(50);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
