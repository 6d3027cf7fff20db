import { setTimeout as sleep } from 'node:timers/promises';
import { Instance, type InstanceStatus, type LogSink, type ProcessSpec } from './instance.ts';

export interface Deployment {
  readonly spec: ProcessSpec;
  /** Port of the first replica. */
  readonly port: number;
  /** Ports for further replicas (and for the surge instance of a rolling restart). */
  readonly sparePorts: () => number[];
}

export class UnknownProcessError extends Error {
  readonly status = 404;
  readonly code = 'RUNNER.UNKNOWN_PROCESS';
}

/**
 * Keeps the wanted number of replicas of each deployment running. Scaling and rolling
 * restarts work as a Kubernetes Deployment does: a new instance is ready before an old one
 * is stopped, and a stopping instance leaves the gateway's targets before it gets SIGTERM.
 */
export class Supervisor {
  readonly #deployments = new Map<string, { deployment: Deployment; instances: Instance[] }>();
  readonly #sink: LogSink;
  /** How long the gateway may keep routing to an instance after it left the targets. */
  readonly #drainMs: number;
  readonly #listeners = new Set<() => void>();

  constructor(options: { sink: LogSink; drainMs?: number }) {
    this.#sink = options.sink;
    this.#drainMs = options.drainMs ?? 1200;
  }

  /** Calls `listener` whenever an instance starts, stops or changes readiness. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  add(deployment: Deployment): void {
    this.#deployments.set(deployment.spec.id, { deployment, instances: [] });
  }

  ids(): string[] {
    return [...this.#deployments.keys()];
  }

  status(): InstanceStatus[] {
    return [...this.#deployments.values()].flatMap(({ instances }) => instances.map((i) => i.status()));
  }

  /** Base URLs of the ready replicas (what the gateway load-balances over). */
  targets(id: string): string[] {
    return this.#entry(id)
      .instances.filter((i) => i.ready)
      .map((i) => i.url);
  }

  logs(id: string): string[] {
    return this.#entry(id).instances.flatMap((i) => i.logs.map((line) => `#${i.replica} ${line}`));
  }

  /** Starts one replica if none runs; resolves when ready. */
  async start(id: string): Promise<void> {
    const entry = this.#entry(id);
    if (entry.instances.length === 0)
      entry.instances.push(this.#instance(entry.deployment, 1, entry.deployment.port));
    for (const instance of entry.instances) instance.start();
    await Promise.all(entry.instances.map((i) => i.whenReady()));
  }

  async stop(id: string): Promise<void> {
    const entry = this.#entry(id);
    const instances = entry.instances.splice(0);
    await this.#retire(instances);
  }

  async scale(id: string, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > 20) {
      throw Object.assign(new Error('replicas must be an integer from 0 to 20'), {
        status: 400,
        code: 'RUNNER.BAD_SCALE',
      });
    }
    const entry = this.#entry(id);
    const added: Instance[] = [];
    while (entry.instances.length < replicas) {
      const instance = this.#next(entry);
      entry.instances.push(instance);
      added.push(instance);
      instance.start();
    }
    await Promise.all(added.map((i) => i.whenReady()));
    await this.#retire(entry.instances.splice(replicas));
  }

  /** Rolling restart: for each replica, a new one becomes ready before the old one stops. */
  async restart(id: string): Promise<void> {
    const entry = this.#entry(id);
    for (const old of [...entry.instances]) {
      const fresh = this.#next(entry);
      entry.instances.push(fresh);
      fresh.start();
      await fresh.whenReady();
      entry.instances.splice(entry.instances.indexOf(old), 1);
      await this.#retire([old]);
    }
  }

  async shutdown(): Promise<void> {
    await Promise.all(
      [...this.#deployments.values()].map(({ instances }) =>
        Promise.all(instances.splice(0).map((i) => i.stop())),
      ),
    );
  }

  /** Out of the targets first, then a drain period for callers that cached them, then SIGTERM. */
  async #retire(instances: Instance[]): Promise<void> {
    if (instances.length === 0) return;
    this.#changed(); // they left the targets
    if (instances.some((i) => i.ready)) await sleep(this.#drainMs);
    await Promise.all(instances.map((i) => i.stop()));
  }

  #next(entry: { deployment: Deployment; instances: Instance[] }): Instance {
    // Replicas of every service of a system share one spare range, so look at all instances.
    const used = new Set(this.status().map((i) => i.port));
    const replica = Math.max(0, ...entry.instances.map((i) => i.replica)) + 1;
    const port = [entry.deployment.port, ...entry.deployment.sparePorts()].find((p) => !used.has(p));
    if (port === undefined) throw new Error(`${entry.deployment.spec.id}: no free port left in its block`);
    return this.#instance(entry.deployment, replica, port);
  }

  #instance(deployment: Deployment, replica: number, port: number): Instance {
    return new Instance(deployment.spec, replica, port, this.#sink, () => this.#changed());
  }

  #entry(id: string) {
    const entry = this.#deployments.get(id);
    if (!entry) throw new UnknownProcessError(`no process ${id} (known: ${this.ids().join(', ')})`);
    return entry;
  }
}
