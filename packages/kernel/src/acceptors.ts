/**
 * More listening sockets for one HTTP server than Node's one. Since libuv 1.45 (Node 20) a
 * listening socket accepts one connection per turn of the event loop (libuv pull 3696), and a loop
 * busy with the work it accepted turns every 10–40 ms: a burst of new clients then waits in the
 * kernel's queue for seconds (bench:overload directly at order: ~100 connections accepted a second,
 * with 800 waiting; requests sent in the first second answered up to 7 s later, refusals too).
 * Each extra socket listens on the same port (SO_REUSEPORT: Linux spreads new connections over
 * them) and hands what it accepts to the one HTTP server, so N sockets accept N a turn.
 * 16: with 4, the first second of an overload directly at order (a client opening ~1,000
 * connections at once) still answered at p99 1.8–2.0 s; with 16, 0.2–0.5 s (session 9, three
 * runs at 2,200 requests/s). A listening socket costs the kernel next to nothing.
 */
import type { Server } from 'node:http';
import { createServer, type Server as NetServer } from 'node:net';

/** Sockets listening in all, the HTTP server's own included. Env HTTP_ACCEPTORS (1 = Node's own only). */
export const DEFAULT_ACCEPTORS = 16;

export function acceptorsFromEnv(): number {
  // SO_REUSEPORT spreads connections only on Linux; elsewhere Node refuses the option or a
  // second socket would take them all.
  if (process.platform !== 'linux') return 1;
  const n = Number(process.env.HTTP_ACCEPTORS ?? DEFAULT_ACCEPTORS);
  return Number.isInteger(n) && n >= 1 ? n : DEFAULT_ACCEPTORS;
}

/**
 * Refuses a port someone already listens on, as a plain listen would: with SO_REUSEPORT a second
 * process of the same user would bind it too and silently take half its connections.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const refusal = await listenRefusal(host, port);
  if (refusal) throw refusal;
}

/** Why a plain listen on the port would fail now (EADDRINUSE …), or undefined when it would not. */
export function listenRefusal(host: string, port: number): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', resolve);
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

export interface Acceptors {
  /**
   * Stops accepting at once; resolves when every connection they handed over has ended. The
   * HTTP server's own close waits only for the connections its own socket accepted: a drain that
   * trusted it alone exited with requests still in flight on these (a test caught it: "socket
   * hang up" on a request in progress at SIGTERM).
   */
  close(): Promise<void>;
}

/** `extra` sockets on the server's own address and port, each handing its connections to `server`. */
export async function addAcceptors(
  server: Server,
  host: string,
  port: number,
  extra: number,
  backlog: number,
): Promise<Acceptors> {
  const sockets: NetServer[] = [];
  try {
    for (let i = 0; i < extra; i++) {
      const acceptor = createServer((socket) => server.emit('connection', socket));
      sockets.push(acceptor);
      await new Promise<void>((resolve, reject) => {
        acceptor.once('error', reject);
        acceptor.listen({ host, port, reusePort: true, backlog }, () => resolve());
      });
    }
  } catch (error) {
    for (const s of sockets) s.close();
    throw error;
  }
  return {
    close: () =>
      Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(
        () => {},
      ),
  };
}
