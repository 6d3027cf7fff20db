import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  /** `system/service` (or `auth`). */
  readonly id: string;
  /** Plain-JS bundle of the process entry (see @bounded/bundle). */
  readonly bundle: string;
  readonly env: Readonly<Record<string, string>>;
}

export type InstanceState = 'starting' | 'ready' | 'unready' | 'stopping' | 'stopped' | 'restarting';

export interface InstanceStatus {
  id: string;
  replica: number;
  pid: number | null;
  port: number;
  url: string;
  state: InstanceState;
  ready: boolean;
  restarts: number;
}

export type LogSink = (id: string, replica: number, line: string, stream: 'stdout' | 'stderr') => void;

/**
 * Node 24's V8 sizes the young generation from the heap limit (up to 3 × 64 MB here), where Node
 * 20's stopped at 16 MB a semi-space: under load a gateway's new space grew from 35 to 122 MB and
 * stayed (bench:overload: RSS +49% in a minute; +7.4% with this cap). The cap is Node 20's size.
 * The images set the same (deploy/Containerfile, NODE_OPTIONS).
 */
export const NODE_ARGS = ['--max-semi-space-size=16'];
const PROBE_MS = 1000;
const STARTING_PROBE_MS = 100;
const LIVENESS_FAILURES = 3;
/** A ready instance leaves the gateway's targets after this many failed readiness probes in a row (as a Kubernetes failureThreshold): one probe slow on a loaded machine must not empty them. */
const READINESS_FAILURES = 2;
const MAX_BACKOFF_MS = 5000;
const STOP_GRACE_MS = 10_000;
const LOG_LINES = 500;

/**
 * One supervised process: started with its port, probed on /health/live and /health/ready,
 * restarted with backoff when it dies, killed and restarted when liveness keeps failing
 * (what a Kubernetes liveness probe does), stopped gracefully with SIGTERM.
 */
export class Instance {
  readonly spec: ProcessSpec;
  readonly replica: number;
  readonly port: number;
  readonly logs: string[] = [];
  #child: ChildProcess | undefined;
  #state: InstanceState = 'stopped';
  #wanted = false;
  #restarts = 0;
  #liveFailures = 0;
  #readyFailures = 0;
  #backoffMs = 200;
  #exited: Promise<void> = Promise.resolve();
  #probing: Promise<void> | undefined;
  readonly #sink: LogSink;
  readonly #onChange: () => void;

  constructor(
    spec: ProcessSpec,
    replica: number,
    port: number,
    sink: LogSink,
    onChange: () => void = () => {},
  ) {
    this.spec = spec;
    this.replica = replica;
    this.port = port;
    this.#sink = sink;
    this.#onChange = onChange;
  }

  #setState(state: InstanceState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#onChange();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get ready(): boolean {
    return this.#state === 'ready';
  }

  status(): InstanceStatus {
    return {
      id: this.spec.id,
      replica: this.replica,
      pid: this.#child?.pid ?? null,
      port: this.port,
      url: this.url,
      state: this.#state,
      ready: this.ready,
      restarts: this.#restarts,
    };
  }

  start(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#spawn();
    this.#probing ??= this.#probe();
  }

  /** Resolves once the instance answers /health/ready, or rejects after `timeoutMs`. */
  async whenReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ready) {
      if (Date.now() > deadline)
        throw new Error(`${this.spec.id}#${this.replica} not ready after ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  /** SIGTERM (the service drains and closes), SIGKILL if it takes longer than the grace period. */
  async stop(): Promise<void> {
    this.#wanted = false;
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.#setState('stopped');
      return;
    }
    this.#setState('stopping');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(killer);
    this.#setState('stopped');
  }

  #spawn(): void {
    this.#setState(this.#restarts > 0 ? 'restarting' : 'starting');
    this.#liveFailures = 0;
    this.#readyFailures = 0;
    // BOUNDED_NODE_ARGS: extra node flags for every service process (e.g. --cpu-prof while profiling).
    const nodeArgs = [...NODE_ARGS, ...(process.env.BOUNDED_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
    const child = spawn(process.execPath, [...nodeArgs, this.spec.bundle], {
      env: { ...process.env, ...this.spec.env, PORT: String(this.port), HOST: '127.0.0.1' },
      // The IPC channel is never written to: it closes when this runner dies, however it died,
      // and the process then stops by itself (see the kernel's supervisor-watch.ts).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // A process group of its own: Ctrl-C in the terminal (SIGINT to the whole foreground group)
      // reaches the runner only, which stops each process once, in order; a process signalled by
      // both would take the runner's SIGTERM as a second signal and exit without draining.
      detached: true,
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.#pipe(child, 'stdout');
    this.#pipe(child, 'stderr');
    const startedAt = Date.now();
    child.once('exit', (code, signal) => {
      if (!this.#wanted) return;
      // A process that ran a while before dying starts again at once; a crash loop backs off.
      if (Date.now() - startedAt > 30_000) this.#backoffMs = 200;
      this.#restarts++;
      this.#setState('restarting');
      this.#note(`exited (${signal ?? code}); restarting in ${this.#backoffMs} ms`);
      const delay = this.#backoffMs;
      this.#backoffMs = Math.min(MAX_BACKOFF_MS, this.#backoffMs * 2);
      setTimeout(() => this.#wanted && this.#spawn(), delay);
    });
  }

  #pipe(child: ChildProcess, stream: 'stdout' | 'stderr'): void {
    let partial = '';
    child[stream]!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line) this.#log(line, stream);
    });
  }

  #log(line: string, stream: 'stdout' | 'stderr'): void {
    this.logs.push(line);
    if (this.logs.length > LOG_LINES) this.logs.splice(0, this.logs.length - LOG_LINES);
    this.#sink(this.spec.id, this.replica, line, stream);
  }

  #note(message: string): void {
    this.#log(JSON.stringify({ level: 40, msg: `[runner] ${message}` }), 'stderr');
  }

  async #probe(): Promise<void> {
    while (this.#wanted) {
      const child = this.#child;
      const running = child && child.exitCode === null && child.signalCode === null;
      if (running && this.#state !== 'stopping') {
        const live = await answers(`${this.url}/health/live`);
        const ready = live && (await answers(`${this.url}/health/ready`));
        if (live) this.#liveFailures = 0;
        else if (
          this.#state !== 'starting' &&
          this.#state !== 'restarting' &&
          ++this.#liveFailures >= LIVENESS_FAILURES
        ) {
          this.#note(`liveness failed ${LIVENESS_FAILURES} times; killing it`);
          child.kill('SIGKILL');
        }
        // The probe awaited: the instance may have been stopped or replaced meanwhile.
        if (this.#child === child && (this.#state as InstanceState) !== 'stopping') {
          this.#readyFailures = ready ? 0 : this.#readyFailures + 1;
          if (ready) this.#setState('ready');
          else if (this.#state === 'ready' && this.#readyFailures >= READINESS_FAILURES) {
            this.#setState('unready');
          }
        }
      }
      await sleep(this.#state === 'ready' || this.#state === 'unready' ? PROBE_MS : STARTING_PROBE_MS);
    }
    this.#probing = undefined;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
