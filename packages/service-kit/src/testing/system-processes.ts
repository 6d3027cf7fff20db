/**
 * A system's services as real processes for its system tests: one esbuild bundle per service, an
 * ephemeral loopback port each, one temp DATA_DIR (embedded store and event log) and calls on the
 * services' own ports. A service's first process listens on its port; more replicas (same database,
 * same consumer group) get ports of their own. The system's harness adds its actors on top.
 */
import { join } from 'node:path';
import { tempDir } from './helpers.ts';
import { bundleService, freePort, killAll, type ServiceProcess, startProcess } from './processes.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
export type Json = Record<string, any>;

export interface SystemProcessesOptions<N extends string> {
  /** The system's folder (holding `<service>/src/main.ts`) and its name (the bundles' prefix). */
  readonly systemDir: string;
  readonly system: string;
  readonly names: readonly N[];
  /** The temp DATA_DIR's name prefix. */
  readonly prefix: string;
  /** A service's env besides DATA_DIR (its callees' URLs from `urlOf`, test-friendly timeouts …). */
  env?(name: N, urlOf: (name: N) => string): Readonly<Record<string, string | undefined>>;
}

export async function systemProcesses<N extends string>(options: SystemProcessesOptions<N>) {
  const dataDir = tempDir(options.prefix);
  const bundles = {} as Record<N, string>;
  const ports = {} as Record<N, number>;
  /** Every running process of a service, its first (on its own port) first. */
  const running = Object.fromEntries(options.names.map((n) => [n, [] as ServiceProcess[]])) as Record<
    N,
    ServiceProcess[]
  >;
  await Promise.all(
    options.names.map(async (name) => {
      bundles[name] = await bundleService(options.systemDir, name, options.system);
      ports[name] = await freePort();
    }),
  );
  const urlOf = (name: N) => `http://127.0.0.1:${ports[name]}`;
  const envOf = (name: N, extra: Record<string, string>): Record<string, string> => ({
    DATA_DIR: dataDir,
    ...(options.env?.(name, urlOf) as Record<string, string> | undefined),
    ...extra,
  });
  const forget = (name: N, proc: ServiceProcess) => {
    running[name] = running[name].filter((p) => p !== proc);
  };

  /** Starts the service's first process, or one more replica when one runs already. */
  const start = async (name: N, env: Record<string, string> = {}): Promise<ServiceProcess> => {
    const port = running[name].length === 0 ? ports[name] : await freePort();
    const proc = await startProcess(`${name}#${running[name].length}`, bundles[name], port, envOf(name, env));
    running[name].push(proc);
    // However it ends (stopped, killed, crashed), it is no longer one of the service's processes.
    proc.child.once('exit', () => forget(name, proc));
    return proc;
  };
  const json = async (name: N, path: string): Promise<Json> =>
    (await fetch(`${urlOf(name)}${path}`)).json() as Promise<Json>;

  return {
    dataDir,
    ports,
    running,
    urlOf,
    start,
    async startAll(): Promise<void> {
      await Promise.all(options.names.map((n) => start(n)));
    },
    /** Graceful stop (SIGTERM) of every process of the service. */
    async stop(name: N): Promise<void> {
      await Promise.all(running[name].map((p) => p.stop()));
      running[name] = [];
    },
    /** kill -9 of the service's first process: no graceful shutdown, whatever was in flight is cut. */
    async kill(name: N): Promise<void> {
      const proc = running[name][0];
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
      proc.child.kill('SIGKILL');
      await exited;
    },
    stopAll: killAll,
    /** One request on the service's own port (a body is sent as JSON). */
    send(name: N, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      return fetch(`${urlOf(name)}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    json,
    /** A collection's `_embedded[plural]` (empty when there is none). */
    async items(name: N, path: string, plural: string): Promise<Json[]> {
      return ((await json(name, path))._embedded?.[plural] as Json[]) ?? [];
    },
  };
}

export type SystemProcesses<N extends string> = Awaited<ReturnType<typeof systemProcesses<N>>>;
/** The folder of a system, from a file in its `test/`. */
export const systemDirOf = (testDir: string) => join(testDir, '..');
