import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundle } from '@bounded/bundle';
import { installConsole } from '@bounded/console';
import { type CallTarget, callTargets } from './call-targets.ts';
import { controlApp, type Gateway } from './control.ts';
import type { LogSink } from './instance.ts';
import { assertPortsFree, clearStale, removePidRecord, writePidRecord } from './pid-file.ts';
import { Supervisor } from './supervisor.ts';
import { replicaPortRange, type SystemMap, servicePort } from './system-map.ts';

export interface PlatformProcesses {
  /** The auth service's entry and port (one for the whole platform). */
  readonly auth?: { readonly entry: string; readonly port: number; readonly env?: Record<string, string> };
  /** The gateway's entry; each system gets one at its base port. */
  readonly gateway?: {
    readonly entry: string;
    /** The gateway's environment; `targetsFile` is kept up to date with the ready replicas. */
    readonly env: (system: SystemMap, targetsFile: string) => Record<string, string>;
  };
}

export interface LaunchOptions {
  readonly systems: readonly SystemMap[];
  readonly platform: PlatformProcesses;
  readonly dataDir: string;
  readonly controlPort: number;
  readonly logLevel?: string;
  readonly sink: LogSink;
  /** Told how many processes are ready so far, while starting. */
  readonly progress?: (ready: number, total: number) => void;
  /** Serve the browser console at the control endpoint's `/` (what `npm start` does). */
  readonly console?: boolean;
}

export interface Launched {
  readonly supervisor: Supervisor;
  readonly controlUrl: string;
  readonly gateways: Gateway[];
  stop(): Promise<void>;
}

/**
 * Starts a set of systems as separate processes (auth, every service, a gateway per system),
 * all at once, and waits until each is ready. The control endpoint serves `npx bounded`.
 */
export async function launch(options: LaunchOptions): Promise<Launched> {
  const supervisor = new Supervisor({ sink: options.sink });
  const controlUrl = `http://127.0.0.1:${options.controlPort}`;
  const baseEnv = { DATA_DIR: resolve(options.dataDir), LOG_LEVEL: options.logLevel ?? 'info' };
  const gateways: Gateway[] = [];
  const targetFiles: Array<{ system: SystemMap; path: string }> = [];
  const calls: CallTarget[] = [];

  const entries: Array<{
    id: string;
    entry: string;
    port: number;
    spare: () => number[];
    env: Record<string, string>;
  }> = [];
  if (options.platform.auth) {
    const { entry, port, env } = options.platform.auth;
    entries.push({
      id: 'platform/auth',
      entry,
      port,
      spare: () => [],
      env: { ...baseEnv, ...env },
    });
  }
  for (const system of options.systems) {
    const { from, to } = replicaPortRange(system);
    const spare = () => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    for (const service of system.services) {
      // An override in the runner's own environment (PAYMENT_URL=…) wins: see call-targets.ts.
      const targets = callTargets(system, service);
      calls.push(...targets);
      const callEnv = Object.fromEntries(targets.map((t) => [t.env, t.url]));
      entries.push({
        id: `${system.name}/${service.name}`,
        entry: service.entry,
        port: servicePort(system, service.name),
        spare,
        env: { ...baseEnv, ...callEnv, ...service.env },
      });
    }
    if (options.platform.gateway) {
      const targetsFile = join(resolve(options.dataDir), system.name, 'gateway-targets.json');
      targetFiles.push({ system, path: targetsFile });
      entries.push({
        id: `${system.name}/gateway`,
        entry: options.platform.gateway.entry,
        port: system.basePort,
        spare,
        env: { ...baseEnv, ...options.platform.gateway.env(system, targetsFile) },
      });
      gateways.push({ system: system.name, url: `http://127.0.0.1:${system.basePort}` });
    }
  }

  const dataDir = resolve(options.dataDir);
  for (const left of await clearStale(dataDir)) {
    options.sink(
      'platform/runner',
      1,
      JSON.stringify({ level: 40, msg: `stopped left over: ${left}` }),
      'stderr',
    );
  }
  await assertPortsFree([options.controlPort, ...entries.map((e) => e.port)]);

  const control = controlApp(
    supervisor,
    () => gateways,
    () => calls,
  );
  // The console is a convenience: if it cannot start (its build failed …), the systems still run.
  const browserConsole = options.console
    ? await installConsole(control, {
        systems: options.systems,
        dataDir: resolve(options.dataDir),
        instances: () => supervisor.status(),
        authUrl: options.platform.auth && `http://127.0.0.1:${options.platform.auth.port}`,
        gateways: () => gateways,
      }).catch((error: Error) => {
        options.sink(
          'platform/console',
          1,
          JSON.stringify({ level: 50, msg: `console not started: ${error.message}` }),
          'stderr',
        );
        return undefined;
      })
    : undefined;
  // Listening before bundling: the console answers (and shows the processes coming up) at once.
  await control.listen({ host: '127.0.0.1', port: options.controlPort });
  // Each process's bundle, recorded beside its pid: a pid alone could be reused by anything.
  const bundleOf = new Map<string, string>();
  try {
    const bundles = await Promise.all(entries.map((e) => bundle(e.entry, e.id.replace('/', '-'))));
    entries.forEach((e, i) => {
      bundleOf.set(e.id, bundles[i]);
      supervisor.add({
        spec: { id: e.id, bundle: bundles[i], env: e.env },
        port: e.port,
        sparePorts: e.spare,
      });
    });
  } catch (error) {
    await browserConsole?.close();
    await control.close();
    throw error;
  }
  publishTargets(supervisor, targetFiles);
  recordPids(supervisor, dataDir, bundleOf);
  const stop = async () => {
    await browserConsole?.close();
    await supervisor.shutdown();
    await control.close();
    removePidRecord(dataDir);
  };
  try {
    // Everything starts at once: services need neither auth nor the gateway to become ready,
    // and a gateway reads its targets file as replicas appear.
    let ready = 0;
    await Promise.all(
      entries.map(async (e) => {
        await supervisor.start(e.id);
        options.progress?.(++ready, entries.length);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { supervisor, controlUrl, gateways, stop };
}

/** Keeps `<dataDir>/runner-pids.json` equal to the running processes (see pid-file.ts). */
function recordPids(supervisor: Supervisor, dataDir: string, bundles: Map<string, string>): void {
  const write = () =>
    writePidRecord(
      dataDir,
      supervisor
        .status()
        .filter((i) => i.pid !== null)
        .map((i) => ({ id: i.id, pid: i.pid!, port: i.port, bundle: bundles.get(i.id)! })),
    );
  write();
  supervisor.onChange(write);
}

/**
 * Keeps each gateway's targets file equal to the ready replicas of its system's services
 * (written whole and renamed, so a gateway never reads half a file).
 */
function publishTargets(supervisor: Supervisor, files: Array<{ system: SystemMap; path: string }>): void {
  const written = new Map<string, string>();
  const write = () => {
    for (const { system, path } of files) {
      const targets = Object.fromEntries(
        system.services.map((s) => [s.name, supervisor.targets(`${system.name}/${s.name}`)]),
      );
      const text = JSON.stringify(targets);
      if (written.get(path) === text) continue;
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
      written.set(path, text);
    }
  };
  write();
  supervisor.onChange(write);
}
