/**
 * The library system as real processes for the system tests: one esbuild bundle per service,
 * ephemeral loopback ports, one temp DATA_DIR (embedded store and event log), and the member's
 * and staff's actions as small helpers over HTTP on the services' own ports (direct calls).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, type Json, type ServiceProcess, systemProcesses } from '@bounded/service-kit/testing';

export const NAMES = ['rental', 'payment', 'mypage', 'book'] as const;
export type Name = (typeof NAMES)[number];
export type { Json };

const WAIT_MS = 20_000;

export async function library(prefix: string) {
  const processes = await systemProcesses<Name>({
    systemDir: join(import.meta.dirname, '..'),
    system: 'library',
    names: NAMES,
    prefix,
    env: (name, urlOf) => {
      if (name === 'rental') {
        return {
          PAYMENT_URL: urlOf('payment'),
          // Longer than the default 1 s for a busy machine; shorter than the slow test's 3 s delay.
          PAYMENT_TIMEOUT_MS: '2000',
          PAYMENT_HALF_OPEN_MS: '2000',
          PAYMENT_BREAKER_FAILURES: '3',
        };
      }
      return name === 'book' ? { BOOK_DEV_BOOKS: '1' } : {};
    },
  });
  const { dataDir, ports, send, json } = processes;
  /** The first process of each service (the one the helpers call). */
  const procs = {} as Partial<Record<Name, ServiceProcess>>;
  const start = async (name: Name, env: Record<string, string> = {}) => {
    procs[name] = await processes.start(name, env);
  };
  const stop = async (name: Name) => {
    await processes.stop(name);
    delete procs[name];
  };
  /** One more replica of a service (own port, same database and consumer group). */
  const replica = (name: Name): Promise<ServiceProcess> => processes.start(name);
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>, ms = WAIT_MS) =>
    eventually(probe, ms).catch((error: Error) => {
      throw new Error(`${what}: ${error.message}`);
    });
  const all = async (name: Name, path: string, plural: string): Promise<Json[]> =>
    ((await json(name, `${path}${path.includes('?') ? '&' : '?'}size=2000`))._embedded[plural] as Json[]) ??
    [];

  const api = {
    dataDir,
    ports,
    procs,
    start,
    stop,
    replica,
    send,
    json,
    all,
    until,
    async startAll() {
      await Promise.all(NAMES.map((n) => start(n)));
    },
    stopAll: processes.stopAll,
    /** A member reserves (direct call, the seed's way): 201 + Location; answers the rental. */
    async reserve(bookId: number | string, memberId: string | number = 'customer1'): Promise<Json> {
      const res = await send('rental', 'POST', '/rentals', { memberId, bookId });
      const body = (await res.json()) as Json;
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.equal(res.headers.get('location'), body._links.self.href);
      return body;
    },
    async request(id: number, reqState: string, status = 200): Promise<Json> {
      const res = await send('rental', 'PATCH', `/rentals/${id}`, { reqState });
      const body = (await res.json()) as Json;
      assert.equal(res.status, status, `${reqState} on rental ${id}: ${JSON.stringify(body)}`);
      return body;
    },
    async newBook(title = '새 책'): Promise<number> {
      const res = await send('book', 'POST', '/books', { title });
      assert.equal(res.status, 201);
      return ((await res.json()) as Json).id as number;
    },
    rental: (id: number) => json('rental', `/rentals/${id}`),
    payment: (id: number) => json('payment', `/payments/${id}`),
    book: (id: number) => json('book', `/books/${id}`),
    rentalIs: (id: number, check: (r: Json) => boolean) =>
      until(`rental ${id}`, async () => {
        const r = await api.rental(id);
        return check(r) && r;
      }),
    paymentIs: (id: number, check: (p: Json) => boolean) =>
      until(`payment ${id}`, async () => {
        const p = await api.payment(id);
        return check(p) && p;
      }),
    bookIs: (id: number, check: (b: Json) => boolean) =>
      until(`book ${id}`, async () => {
        const b = await api.book(id);
        return check(b) && b;
      }),
    /** Waits until the rental's mypage row passes `check` (and returns it). */
    view: (id: number, check: (row: Json) => boolean) =>
      until(`mypage ${id}`, async () => {
        const res = await fetch(`${processes.urlOf('mypage')}/mypages/${id}`);
        const row = (await res.json()) as Json;
        return res.ok && check(row) && row;
      }),
  };
  return api;
}
