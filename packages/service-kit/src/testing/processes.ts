/** Real service processes for system tests: esbuild bundles run by plain `node`. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { bundle } from '@bounded/bundle';

/** Bundles `<systemDir>/<service>/src/main.ts` (named `<system>-<service>` in .build/). */
export async function bundleService(systemDir: string, service: string, system: string): Promise<string> {
  return bundle(join(systemDir, service, 'src', 'main.ts'), `${system}-${service}`);
}

export async function freePort(): Promise<number> {
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
    try {
      if ((await fetch(`${proc.url}/health/ready`)).ok) return proc;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} not ready within 20 s: ${stderr.join('')}`);
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
