/** Real service processes for system tests: esbuild bundles run by plain `node`. */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '@bounded/bundle';

/** Bundles `<systemDir>/<service>/src/main.ts` (named `<system>-<service>` in .build/). */
export async function bundleService(systemDir: string, service: string, system: string): Promise<string> {
  return bundle(join(systemDir, service, 'src', 'main.ts'), `${system}-${service}`);
}

/**
 * A port for a test's process that no other test process on this machine is handed: the OS says
 * which ports are free only when asked, and two test files asking a moment apart can be told the
 * same one (seen: a system test's MyPage port answered by another test's service). Each port is
 * claimed by a file created exclusively under the temp directory, held until this process exits.
 * The fixed blocks of the tests (38000–39999) are never handed out, reserved from the OS or not.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = await portTheOsCallsFree();
    if (port >= FIXED_BLOCKS.from && port <= FIXED_BLOCKS.to) continue;
    if (claimPort(port)) return port;
  }
  throw new Error(`no port could be claimed in 100 tries (claims in ${PORT_CLAIMS})`);
}

const FIXED_BLOCKS = { from: 38000, to: 39999 };
const PORT_CLAIMS = join(tmpdir(), 'bounded-test-ports');
/** A claim its holder left behind (killed before its exit hook ran) is cleared after this long. */
const STALE_CLAIM_MS = 3_600_000;
const claims = new Set<string>();

export function claimPort(port: number): boolean {
  mkdirSync(PORT_CLAIMS, { recursive: true });
  const file = join(PORT_CLAIMS, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    clearIfStale(file);
    return false;
  }
  if (claims.size === 0) process.once('exit', releaseClaims);
  claims.add(file);
  return true;
}

/** Only clears: the port is taken on a later ask, by an exclusive create like any other. */
function clearIfStale(file: string): void {
  try {
    const holder = Number(readFileSync(file, 'utf8'));
    if (isAlive(holder) || Date.now() - statSync(file).mtimeMs < STALE_CLAIM_MS) return;
    unlinkSync(file);
  } catch {
    // Gone or half-written by its claimer a moment ago: someone else's, leave it.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseClaims(): void {
  for (const file of claims) rmSync(file, { force: true });
}

function portTheOsCallsFree(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly stderr: string[];
  stop(): Promise<void>;
}

const running = new Set<ServiceProcess>();

export async function startProcess(
  name: string,
  file: string,
  port: number,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (c: Buffer) => stderr.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: ServiceProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    stderr,
    async stop() {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  running.add(proc);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr.join('')}`);
    if (await answersReady(proc.url)) {
      if (!listensOn(child.pid, port)) {
        throw new Error(`${name}: port ${port} is answered by another process than the one started`);
      }
      return proc;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} not ready within 20 s: ${stderr.join('')}`);
}

async function answersReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health/ready`)).ok;
  } catch {
    return false;
  }
}

/**
 * Whether the process listens on the port (Linux: its open sockets against the kernel's table of
 * listening ones), so a test never takes another process's answers for its service's. Elsewhere
 * assumed true.
 */
function listensOn(pid: number | undefined, port: number): boolean {
  if (process.platform !== 'linux' || pid === undefined) return true;
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "<ip>:<port>", st 0A is LISTEN, the inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') listening.add(`socket:[${fields[9]}]`);
    }
  }
  const fdDir = `/proc/${pid}/fd`;
  return readdirSync(fdDir).some((fd) => {
    try {
      return listening.has(readlinkSync(join(fdDir, fd)));
    } catch {
      return false;
    }
  });
}

/** Kills whatever is still running (SIGKILL): for after(). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (p) => {
      running.delete(p);
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    }),
  );
}
