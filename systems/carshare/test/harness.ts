/**
 * The carshare system as real processes for the system tests: one esbuild bundle per service,
 * ephemeral loopback ports, one temp DATA_DIR (embedded store and event log), and the actors'
 * calls as small helpers over HTTP (direct on the service ports, as the seed's httpie calls).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  bundleService,
  eventually,
  freePort,
  killAll,
  type ServiceProcess,
  startProcess,
  tempDir,
} from '@bounded/service-kit/testing';

export const NAMES = ['order', 'delivery', 'customerpage', 'payment', 'coupon'] as const;
export type Name = (typeof NAMES)[number];
// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
export type Json = Record<string, any>;

const WAIT_MS = 20_000;

export async function carshare(prefix: string) {
  const dataDir = tempDir(prefix);
  const bundles = {} as Record<Name, string>;
  const ports = {} as Record<Name, number>;
  const procs = {} as Partial<Record<Name, ServiceProcess>>;
  await Promise.all(
    NAMES.map(async (name) => {
      bundles[name] = await bundleService(join(import.meta.dirname, '..'), name, 'carshare');
      ports[name] = await freePort();
    }),
  );
  const urlOf = (name: Name) => `http://127.0.0.1:${ports[name]}`;
  const envOf = (name: Name): Record<string, string> => {
    if (name === 'order')
      return { PAYMENT_URL: urlOf('payment'), PAYMENT_HALF_OPEN_MS: '1000', PAYMENT_BREAKER_FAILURES: '3' };
    if (name === 'delivery')
      return {
        COUPON_URL: urlOf('coupon'),
        PAYMENT_URL: urlOf('payment'),
        COUPON_HALF_OPEN_MS: '1000',
        PAYMENT_HALF_OPEN_MS: '1000',
        SAGA_LEASE_MS: '1500',
        SAGA_RESUME_MS: '200',
      };
    return {};
  };

  const start = async (name: Name, env: Record<string, string> = {}) => {
    procs[name] = await startProcess(name, bundles[name], ports[name], {
      DATA_DIR: dataDir,
      ...envOf(name),
      ...env,
    });
  };
  /** A second instance of a service on a port of its own (same database, same consumer group). */
  const startReplica = async (name: Name, env: Record<string, string> = {}) =>
    startProcess(`${name}-2`, bundles[name], await freePort(), { DATA_DIR: dataDir, ...envOf(name), ...env });
  const stop = async (name: Name) => {
    await procs[name]?.stop();
    delete procs[name];
  };
  /** kill -9: no graceful shutdown, whatever was in flight is cut. */
  const kill = async (name: Name) => {
    const proc = procs[name];
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
    proc.child.kill('SIGKILL');
    await exited;
    delete procs[name];
  };
  const send = (
    name: Name,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${urlOf(name)}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (name: Name, path: string): Promise<Json> =>
    (await fetch(`${urlOf(name)}${path}`)).json();
  const list = async (name: Name, path: string, plural: string): Promise<Json[]> =>
    (await json(name, path))._embedded[plural] as Json[];
  const until = <T>(probe: () => Promise<T | undefined | false>) => eventually(probe, WAIT_MS);

  const api = {
    dataDir,
    ports,
    procs,
    start,
    startReplica,
    stop,
    kill,
    send,
    json,
    list,
    until,
    async startAll() {
      await Promise.all(NAMES.map((n) => start(n)));
    },
    stopAll: killAll,
    /** The seed's rental: `http POST :8101/orders productId=1001 qty=1 status="order"` (httpie sends strings). */
    async rent(extra: Json = {}): Promise<number> {
      const res = await send('order', 'POST', '/orders', {
        productId: '1001',
        qty: '1',
        status: 'order',
        ...extra,
      });
      assert.equal(res.status, 201, await res.clone().text());
      assert.ok(res.headers.get('location'));
      return ((await res.json()) as Json).id as number;
    },
    /** The seed's cancel: `http POST :8102/cancellations orderId=1 paymentId=1 status="deliveryCancel"`. */
    cancel: (orderId: number, headers: Record<string, string> = {}) =>
      send(
        'delivery',
        'POST',
        '/cancellations',
        { orderId: String(orderId), paymentId: '1', status: 'deliveryCancel' },
        headers,
      ),
    order: (id: number) => json('order', `/orders/${id}`),
    orderIs: (id: number, status: string) =>
      until(async () => {
        const o = await api.order(id);
        if (o.status !== status) throw new Error(`order ${id} is ${o.status}`);
        return o;
      }),
    delivery: (orderId: number) =>
      until(async () => (await list('delivery', `/deliveries?orderId=${orderId}`, 'deliveries'))[0]),
    coupon: (orderId: number) =>
      until(async () => (await list('coupon', `/coupons?orderId=${orderId}`, 'coupons'))[0]),
    payment: (orderId: number) =>
      until(async () => (await list('payment', `/payments?orderId=${orderId}`, 'payments'))[0]),
    couponCancellations: (orderId: number) =>
      list('coupon', `/couponCancellations?orderId=${orderId}`, 'couponCancellations'),
    paymentCancellations: (orderId: number) =>
      list('payment', `/paymentCancellations?orderId=${orderId}`, 'paymentCancellations'),
    cancellations: (orderId: number) =>
      list('delivery', `/cancellations?orderId=${orderId}`, 'cancellations'),
    /** Waits until the rental's customerpage row passes `check` (and returns it). */
    page: (orderId: number, check: (row: Json) => boolean) =>
      until(async () => {
        const row = (await list('customerpage', `/customerpages?orderId=${orderId}`, 'customerpages'))[0];
        if (!row || !check(row)) throw new Error(`customerpage now ${JSON.stringify(row)}`);
        return row;
      }),
  };
  return api;
}
