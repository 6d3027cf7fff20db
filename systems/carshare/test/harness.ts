/**
 * The carshare system as real processes for the system tests: one esbuild bundle per service,
 * ephemeral loopback ports, one temp DATA_DIR (embedded store and event log), and the actors'
 * calls as small helpers over HTTP (direct on the service ports, as the seed's httpie calls).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, type Json, type ServiceProcess, systemProcesses } from '@bounded/service-kit/testing';

export const NAMES = ['order', 'delivery', 'customerpage', 'payment', 'coupon'] as const;
export type Name = (typeof NAMES)[number];
export type { Json };

const WAIT_MS = 20_000;

export async function carshare(prefix: string) {
  const processes = await systemProcesses<Name>({
    systemDir: join(import.meta.dirname, '..'),
    system: 'carshare',
    names: NAMES,
    prefix,
    env: (name, urlOf) => {
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
    },
  });
  const { dataDir, ports, send, json, kill } = processes;
  /** The first process of each service (the one the helpers call). */
  const procs = {} as Partial<Record<Name, ServiceProcess>>;
  const start = async (name: Name, env: Record<string, string> = {}) => {
    procs[name] = await processes.start(name, env);
  };
  /** A second instance of a service on a port of its own (same database, same consumer group). */
  const startReplica = (name: Name, env: Record<string, string> = {}) => processes.start(name, env);
  const stop = async (name: Name) => {
    await processes.stop(name);
    delete procs[name];
  };
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
    stopAll: processes.stopAll,
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
