/**
 * The cleaning system as real processes for the system tests: one esbuild bundle per service,
 * ephemeral loopback ports, one temp DATA_DIR (embedded store and event log), replicas of a
 * service as more processes on the same files, and the actors' actions as small HTTP helpers.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, type Json, systemProcesses } from '@bounded/service-kit/testing';

export const NAMES = ['cleancall', 'cleanmanage', 'cleanassign', 'customer'] as const;
export type Name = (typeof NAMES)[number];
export type { Json };

export const SEED_BODY = { tel: '01023221353', location: 'seoul', cost: '200000' };

export async function cleaning(prefix: string) {
  const processes = await systemProcesses<Name>({
    systemDir: join(import.meta.dirname, '..'),
    system: 'cleaning',
    names: NAMES,
    prefix,
    env: (name, urlOf) => ({
      ...(name === 'cleancall'
        ? {
            CLEANMANAGE_URL: urlOf('cleanmanage'),
            // Generous: a burst on a busy two-core machine must not time out (the breaker test
            // makes cleanmanage slower than this on purpose).
            CLEANMANAGE_TIMEOUT_MS: '5000',
            CLEANMANAGE_HALF_OPEN_MS: '1500',
            CLEANMANAGE_BREAKER_FAILURES: '3',
          }
        : {}),
      ...(name === 'customer'
        ? { NOTIFY_POLL_MS: '50', NOTIFY_FIRST_RETRY_MS: '100', NOTIFY_MAX_RETRY_MS: '400' }
        : {}),
    }),
  });
  const { dataDir, ports, send, start, stop } = processes;
  /** Every running process of a service: the first is the one the helpers call. */
  const procs = processes.running;
  const json = async (name: Name, path: string): Promise<Json> => {
    const res = await fetch(`${processes.urlOf(name)}${path}`);
    assert.equal(res.status, 200, `GET ${name} ${path}`);
    return (await res.json()) as Json;
  };
  const list = async (name: Name, path: string, plural: string): Promise<Json[]> => {
    const sep = path.includes('?') ? '&' : '?';
    return ((await json(name, `${path}${sep}size=2000`))._embedded[plural] as Json[]) ?? [];
  };

  const api = {
    dataDir,
    ports,
    procs,
    start,
    stop,
    send,
    json,
    list,
    async startAll() {
      await Promise.all(NAMES.map((n) => start(n)));
    },
    stopAll: processes.stopAll,
    async registerCleaner(name: string, tel = '01099990000', username?: string): Promise<Json> {
      const res = await send('cleanassign', 'POST', '/cleaners', {
        name,
        tel,
        ...(username ? { username } : {}),
      });
      assert.equal(res.status, 201, `register ${name}`);
      return (await res.json()) as Json;
    },
    async request(extra: Json = {}): Promise<number> {
      const res = await send('cleancall', 'POST', '/cleancalls', {
        ...SEED_BODY,
        customerId: 'customer1',
        ...extra,
      });
      const body = (await res.json()) as Json;
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.ok(res.headers.get('location'));
      // The answer is the request as accepted; an assignment may follow within milliseconds.
      assert.equal(body.status, 'Requested');
      return body.id as number;
    },
    call: (id: number) => json('cleancall', `/cleancalls/${id}`),
    /** Waits until the request's cleancall row passes `check` (and returns it). */
    callIs: (id: number, check: (c: Json) => boolean, timeoutMs = 20_000) =>
      eventually(async () => {
        const c = await api.call(id);
        if (!check(c)) throw new Error(`cleancall ${id} now ${JSON.stringify(c)}`);
        return c;
      }, timeoutMs),
    manageIs: (id: number, check: (m: Json) => boolean) =>
      eventually(async () => {
        const m = (await list('cleanmanage', `/cleanmanages?orderId=${id}`, 'cleanmanages'))[0];
        if (!m || !check(m)) throw new Error(`cleanmanage of ${id} now ${JSON.stringify(m)}`);
        return m;
      }, 20_000),
    historyIs: (id: number, check: (h: Json) => boolean) =>
      eventually(async () => {
        const h = (await list('customer', `/cleaningHistories?orderId=${id}`, 'cleaningHistories'))[0];
        if (!h || !check(h)) throw new Error(`history of ${id} now ${JSON.stringify(h)}`);
        return h;
      }, 20_000),
    /** The request's message of this kind once it was sent. */
    told: (id: number, kind: string) =>
      eventually(async () => {
        const n = (await list('customer', `/notifications?orderId=${id}&kind=${kind}`, 'notifications'))[0];
        if (n?.status !== 'Sent') throw new Error(`notification ${id}-${kind} now ${JSON.stringify(n)}`);
        return n;
      }, 20_000),
    cleaner: (id: number) => json('cleanassign', `/cleaners/${id}`),
    idleCleaners: async () => (await list('cleanassign', '/cleaners?status=Idle', 'cleaners')).length,
    async cancel(id: number): Promise<number> {
      return (await send('cleancall', 'DELETE', `/cleancalls/${id}`)).status;
    },
    async complete(id: number): Promise<Json> {
      const res = await send('cleanassign', 'POST', `/cleanassigns/${id}/complete`);
      const body = (await res.json()) as Json;
      assert.equal(res.status, 200, JSON.stringify(body));
      return body;
    },
  };
  return api;
}
