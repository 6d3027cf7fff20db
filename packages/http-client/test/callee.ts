import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

export interface Callee {
  baseUrl: string;
  /** Requests that reached the server. */
  hits: number;
  /** Each request's headers and body, in arrival order. */
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  /** TCP connections accepted. */
  connections: number;
  /** Requests whose connection closed before the server answered. */
  aborted: number;
  handler: Handler;
  close(): Promise<void>;
}

/** A real node:http server on 127.0.0.1 with an ephemeral port; swap `handler` to change its behaviour. */
export async function startCallee(handler: Handler): Promise<Callee> {
  const callee = {
    baseUrl: '',
    hits: 0,
    requests: [],
    connections: 0,
    aborted: 0,
    handler,
  } as unknown as Callee;
  const server = createServer(async (req, res) => {
    callee.hits++;
    res.on('close', () => {
      if (!res.writableEnded) callee.aborted++;
    });
    let body = '';
    for await (const chunk of req) body += chunk;
    callee.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    await callee.handler(req, res, body);
  });
  server.on('connection', () => {
    callee.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  callee.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  callee.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return callee;
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs fn, expecting it to reject; returns the error and how long it took. */
export async function rejection(fn: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = performance.now();
  try {
    await fn();
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
  throw new Error('expected a rejection, got a result');
}
