/** Test helpers every system's service tests share: temp dirs, polling, bus probes, fakes. */
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuiltService } from '@bounded/kernel';
import { sql } from 'kysely';

export function tempDir(prefix = 'bounded-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Polls `probe` every 20 ms until it returns something truthy (or throws after timeoutMs). */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export interface SeenEvent {
  type: string;
  key: string;
  data: Readonly<Record<string, unknown>>;
}

/** Collects every event on the system's topic with a probe consumer group of its own. */
export async function probeEvents(service: BuiltService<unknown>, topic: string) {
  const seen: SeenEvent[] = [];
  const subscription = await service.context.bus.subscribe({
    topic,
    group: `probe-${Math.random().toString(36).slice(2)}`,
    handler: async (event) => {
      seen.push({ type: event.type, key: event.key, data: event.data });
    },
  });
  return { seen, close: () => subscription.close() };
}

/** Publishes events as if another service had: through this service's own outbox. */
export async function publish(
  service: BuiltService<unknown>,
  events: Array<{ type: string; key: string; data: Record<string, unknown> }>,
): Promise<void> {
  await service.context.command(async (_trx, record) => record(events));
}

/**
 * Events this service's consumers have handled so far (its inbox's rows): what a test waits on
 * when an event must have been handled yet leaves nothing else to see (one ignored on purpose).
 */
export async function handledCount(service: BuiltService<unknown>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from bounded_inbox`.execute(
    service.context.store.db,
  );
  return Number(rows[0]!.n);
}

export interface FakeDependency {
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown> }>;
  /** 'ok' answers 201 with `answer`; 'fail' answers 503; 'slow' answers only after 1.5 s. */
  mode: 'ok' | 'fail' | 'slow';
  close(): Promise<void>;
}

/**
 * A stand-in for a sync dependency (payment …) on a real port, since the caller calls it over
 * HTTP. `answer` builds the 201 body from the request body and a running id (from 100).
 */
export async function fakeDependency(
  answer: (body: Record<string, unknown>, id: number) => Record<string, unknown>,
): Promise<FakeDependency> {
  let nextId = 100;
  const fake: FakeDependency = {
    url: '',
    requests: [],
    mode: 'ok',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      fake.requests.push({ headers: req.headers, body });
      if (fake.mode === 'fail') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":"DEPENDENCY.DOWN"}');
        return;
      }
      const reply = () =>
        res
          .writeHead(201, { 'content-type': 'application/hal+json' })
          .end(JSON.stringify(answer(body, nextId++)));
      if (fake.mode === 'slow') setTimeout(reply, 1500).unref();
      else reply();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
