/**
 * The process side of a service: listen, and on SIGTERM shut down in the order that loses no
 * work — stop being ready, drain HTTP, then close what the requests were using, newest first.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { type Acceptors, acceptorsFromEnv, addAcceptors, assertPortFree } from './acceptors.ts';
import type { HealthControl } from './health.ts';
import { killSelfAfter } from './last-resort.ts';
import { guardStderr } from './log-destination.ts';
import { watchSupervisor } from './supervisor-watch.ts';

export interface Resource {
  name: string;
  close(): Promise<void> | void;
}

/** The parts of an app runService uses (any buildApp() result fits). */
export interface RunnableApp {
  listen(opts: { host: string; port: number; backlog?: number; reusePort?: boolean }): Promise<string>;
  close(): PromiseLike<unknown>;
  health: HealthControl;
  log: FastifyBaseLogger;
  server: Server;
}

export interface RunServiceOptions {
  app: RunnableApp;
  host: string;
  port: number;
  /** In the order they were opened; closed in reverse, after HTTP has drained. */
  resources?: Resource[];
  /** After this, a signalled shutdown gives up and exits 1. */
  shutdownTimeoutMs?: number;
  /**
   * Time between turning readiness DOWN and refusing connections, for a load balancer that only
   * learns from readiness probes (Kubernetes endpoints). Meanwhile every response says
   * `Connection: close`, so keep-alive clients move to other replicas instead of sending a
   * request into the close. Default: env DRAIN_DELAY_MS (the deployment's setting), else 0.
   */
  drainDelayMs?: number;
  /** Sockets accepting connections (see acceptors.ts). Default: env HTTP_ACCEPTORS, else 16 on Linux. */
  acceptors?: number;
}

export interface RunningService {
  address: string;
  port: number;
  /** The same shutdown a signal runs, without exiting; rejects if any step failed. */
  stop(): Promise<void>;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/**
 * Connections the kernel holds completed for the process before it accepts them (Linux caps it at
 * net.core.somaxconn, 4096 by default). Node's 511 overflowed (TcpExtListenOverflows) when an
 * overload made clients open hundreds of connections at once while a busy loop, accepting one a
 * turn (acceptors.ts), fell behind: each handshake dropped costs its client a SYN retransmit
 * (1, 3, 7 s).
 */
export const LISTEN_BACKLOG = 4096;
/** How often a draining server closes the keep-alive connections that went idle. */
const IDLE_CLOSE_EVERY_MS = 50;
/** How long after the shutdown timeout the worker-thread backstop SIGKILLs the process. */
const LAST_RESORT_MS = 2000;

export async function runService(opts: RunServiceOptions): Promise<RunningService> {
  const { app, resources = [], shutdownTimeoutMs = 10_000 } = opts;
  const drainDelayMs = opts.drainDelayMs ?? drainDelayFromEnv();
  const log = app.log;
  guardStderr();

  const acceptorCount = opts.acceptors ?? acceptorsFromEnv();
  let acceptors: Acceptors | undefined;
  try {
    if (acceptorCount > 1) await assertPortFree(opts.host, opts.port);
    await app.listen({
      host: opts.host,
      port: opts.port,
      backlog: LISTEN_BACKLOG,
      ...(acceptorCount > 1 ? { reusePort: true } : {}),
    });
    if (acceptorCount > 1) {
      const { port } = app.server.address() as AddressInfo;
      acceptors = await addAcceptors(app.server, opts.host, port, acceptorCount - 1, LISTEN_BACKLOG);
    }
  } catch (err) {
    // Whatever the caller opened for us must not outlive a service that never started (the
    // listening socket either, when only the extra acceptors failed).
    try {
      await app.close();
    } catch {}
    await closeResources(resources, log);
    throw err;
  }
  // Behind a Service's virtual IP each keep-alive connection stays with the replica it first
  // reached, so a replica added later would get no requests from callers already connected.
  // Ending each connection after a number of requests (the response says `Connection: close`)
  // spreads them again. Env HTTP_MAX_REQUESTS_PER_SOCKET (the deployment's setting); 0 = no limit.
  const perSocket = Number(process.env.HTTP_MAX_REQUESTS_PER_SOCKET ?? 0);
  if (Number.isInteger(perSocket) && perSocket > 0) app.server.maxRequestsPerSocket = perSocket;
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  log.info({ address: url }, 'listening');

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= shutdown();
    return stopping;
  };

  async function shutdown(): Promise<void> {
    const failures: unknown[] = [];
    app.health.setReady(false);
    if (drainDelayMs > 0) {
      app.server.prependListener('request', (_req, res) => res.setHeader('connection', 'close'));
      await new Promise((r) => setTimeout(r, drainDelayMs));
    }
    // A keep-alive connection whose request finishes after the close began stays open, idle, and
    // the close waits for it until the shutdown timer ends the process with 1 (seen with ten
    // requests in flight at SIGTERM): such connections are closed as they go idle.
    const idleCloser = setInterval(() => app.server.closeIdleConnections(), IDLE_CLOSE_EVERY_MS);
    try {
      const handedOver = acceptors?.close();
      // Stops accepting connections, closes idle keep-alive ones, waits for in-flight requests.
      await app.close();
      await handedOver;
    } catch (err) {
      failures.push(err);
      log.error({ err }, 'HTTP server did not close cleanly');
    } finally {
      clearInterval(idleCloser);
    }
    failures.push(...(await closeResources(resources, log)));
    for (const s of SIGNALS) process.off(s, onSignal);
    stopWatching();
    if (failures.length > 0) throw new AggregateError(failures, 'shutdown finished with errors');
    log.info('shut down');
  }

  let signalled = false;
  /** A signal, or the supervising runner gone: the same bounded shutdown, then exit. */
  function shutDownAndExit(reason: Record<string, unknown>): void {
    signalled = true;
    stopWatching();
    log.info(reason, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ shutdownTimeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, shutdownTimeoutMs);
    // Kept referenced on purpose: it must fire even if a close() hangs on a promise alone.
    void timer;
    // And if the main thread itself is stuck (so the timer cannot run), a worker ends the process.
    killSelfAfter(shutdownTimeoutMs + LAST_RESORT_MS);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  }
  function onSignal(signal: NodeJS.Signals): void {
    if (signalled) {
      // The operator insists: do not wait for stuck requests.
      log.error({ signal }, 'second signal during shutdown, exiting now');
      process.exit(1);
    }
    shutDownAndExit({ signal });
  }
  for (const s of SIGNALS) process.on(s, onSignal);
  const stopWatching = watchSupervisor((why) => {
    if (!signalled) shutDownAndExit({ supervisor: why });
  });

  return { address: url, port: address.port, stop };
}

/** DRAIN_DELAY_MS, read here since every process kind (services, gateway, auth) runs through runService. */
function drainDelayFromEnv(): number {
  const ms = Number(process.env.DRAIN_DELAY_MS ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** Reverse order: a resource may use the ones opened before it (outbox relay → store). */
async function closeResources(resources: Resource[], log: FastifyBaseLogger): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const r of [...resources].reverse()) {
    try {
      await r.close();
      log.info({ resource: r.name }, 'closed');
    } catch (err) {
      // Keep going: one stuck resource must not leave the others (and their data) unflushed.
      failures.push(err);
      log.error({ err, resource: r.name }, 'failed to close');
    }
  }
  return failures;
}
