// The gateways measured beside ours, started as a user would run them, on loopback ports only:
// Spring Cloud Gateway (bench/peers/scg, JWT verified against our auth service's JWKS) and nginx
// (a plain reverse proxy from nginx.conf.template, no JWT: the floor of one proxy hop).
// bench/peers/build.sh installs or builds each when missing; one that cannot be had is skipped.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type PeerName = 'scg' | 'nginx';

export interface Peer {
  readonly name: PeerName;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The process to measure; its children (nginx's worker) are counted with it. */
  readonly pid: number;
  stop(): Promise<void>;
}

const here = dirname(new URL(import.meta.url).pathname);
const SCG_JAR = join(here, 'scg', 'target', 'scg-peer.jar');
// SCG runs on the newest LTS where the machine has it (what a user would run in 2026, and kinder
// to the peer: see bench/peers/README.md for 17 against 25); BENCH_SCG_JAVA names another java
// binary. The jar itself is built for Java 17.
const JAVA_25 = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';

/** The java binary SCG runs on, and its version line (`openjdk version "25.0.3" …`). */
export function scgJava(): { java: string; version: string } {
  const java = process.env.BENCH_SCG_JAVA ?? (existsSync(JAVA_25) ? JAVA_25 : 'java');
  const { stderr } = spawnSync(java, ['-version'], { encoding: 'utf8' });
  return { java, version: stderr.split('\n')[0] };
}
const running = new Set<ChildProcess>();
const folders = new Set<string>(); // nginx's, removed when it stops or the bench exits
// A bench that throws or is interrupted must not leave a JVM or an nginx holding a port.
const killRunning = () => {
  for (const child of running) {
    // The whole tree: nginx's worker outlives a killed master.
    for (const pid of child.pid === undefined ? [] : liveTree(child.pid).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
};
process.once('exit', killRunning);
let onSignals = false;

/** Killed or interrupted, the bench would exit at once anyway: now its peers go with it. */
function exitOnSignals(): void {
  if (onSignals) return;
  onSignals = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => process.exit(code)); // 'exit' kills the peers
  }
}

/**
 * Runs build.sh for the peers asked for; returns why each one that cannot be had is skipped.
 * Its "skipped: …" lines are also passed on to stderr, so a run says plainly what it left out.
 */
export function preparePeers(names: readonly PeerName[]): Map<PeerName, string> {
  const skipped = new Map<PeerName, string>();
  if (names.length === 0) return skipped;
  const out = execFileSync('bash', [join(here, 'build.sh'), ...names], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const m = /^skipped: (\w+): (.*)$/.exec(line);
    if (!m) continue;
    process.stderr.write(`${line}\n`);
    skipped.set(m[1] as PeerName, m[2]);
  }
  return skipped;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ScgOptions {
  /** Where the route goes, e.g. http://127.0.0.1:8501 */
  upstream: string;
  /** The route's path prefix (default /orders): it and everything under it go upstream. */
  path?: string;
  /** The auth service's JWKS URL. */
  jwks: string;
  /** The one audience accepted (the system's name). */
  audience: string;
  /** The `iss` every token must carry. */
  issuer: string;
  /** The java binary (default: java on PATH). */
  java?: string;
  /** Extra JVM options (BENCH_SCG_JAVA_OPTS), e.g. -Xmx256m. Default: the JVM's own defaults. */
  javaOptions?: string[];
}

export async function startScg(opts: ScgOptions): Promise<Peer> {
  if (!existsSync(SCG_JAR)) throw new Error(`${SCG_JAR} is missing: run bash bench/peers/build.sh scg`);
  const port = await freeLoopbackPort();
  const child = spawn(
    opts.java ?? 'java',
    [
      ...(opts.javaOptions ?? []),
      '-jar',
      SCG_JAR,
      `--server.port=${port}`,
      `--bench.upstream=${opts.upstream}`,
      `--bench.jwks=${opts.jwks}`,
      `--bench.audience=${opts.audience}`,
      `--bench.issuer=${opts.issuer}`,
      `--bench.path=${opts.path ?? '/orders'}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return started('scg', child, `http://127.0.0.1:${port}`, 120_000);
}

/** nginx as a plain keep-alive reverse proxy to `upstream`, one worker, in its own /tmp folder. */
export async function startNginx(upstream: string): Promise<Peer> {
  const port = await freeLoopbackPort();
  const prefix = mkdtempSync(join(tmpdir(), 'bounded-nginx-'));
  folders.add(prefix);
  mkdirSync(join(prefix, 'logs'));
  const conf = readFileSync(join(here, 'nginx.conf.template'), 'utf8')
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{UPSTREAM}}', new URL(upstream).host)
    .replaceAll('{{PREFIX}}', prefix);
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const peer = await started('nginx', child, `http://127.0.0.1:${port}`, 20_000);
  return {
    ...peer,
    async stop() {
      await peer.stop();
      rmSync(prefix, { recursive: true, force: true });
      folders.delete(prefix);
    },
  };
}

/** Resolves once the peer answers HTTP at all (any status: a 401 means it is up). */
async function started(name: PeerName, child: ChildProcess, url: string, timeoutMs: number): Promise<Peer> {
  running.add(child);
  exitOnSignals();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const stop = () => stopChild(child);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    }
    try {
      await fetch(`${url}/orders/1`, { signal: AbortSignal.timeout(1000) });
      return { name, url, pid: child.pid!, stop };
    } catch {
      await sleep(200);
    }
  }
  await stop();
  throw new Error(`${name} did not answer on ${url} within ${timeoutMs} ms: ${stderr.trim()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM'); // nginx: fast shutdown of master and worker; the JVM: its shutdown hooks
    const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  running.delete(child);
}

/** user+sys CPU ms of a process and its children (nginx's worker), from /proc. */
export function treeCpuMs(pid: number): number {
  let ms = 0;
  for (const p of tree(pid)) {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    ms += (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime: clock ticks of 10 ms
  }
  return ms;
}

/** Resident memory (MB) of a process and its children, from /proc/<pid>/status VmRSS. */
export function treeRssMB(pid: number): number {
  let kb = 0;
  for (const p of tree(pid)) {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    kb += m ? Number(m[1]) : 0;
  }
  return Number((kb / 1024).toFixed(1));
}

function liveTree(pid: number): number[] {
  try {
    return tree(pid);
  } catch {
    return [pid]; // gone, or going: a kill of it is harmless
  }
}

function tree(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean);
  return [pid, ...children.flatMap((c) => tree(Number(c)))];
}
