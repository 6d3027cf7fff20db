/**
 * The malltail system as real processes for the system tests: one esbuild bundle per service,
 * ephemeral loopback ports, one temp DATA_DIR (embedded store and event log), and the actors'
 * actions as small helpers over HTTP.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { eventually, type Json, systemProcesses } from '@bounded/service-kit/testing';

export const NAMES = ['order', 'pay', 'shop', 'shipping', 'delivery', 'viewpage'] as const;
export type Name = (typeof NAMES)[number];
export type { Json };

export async function malltail(prefix: string) {
  const processes = await systemProcesses<Name>({
    systemDir: join(import.meta.dirname, '..'),
    system: 'malltail',
    names: NAMES,
    prefix,
    env: (name, urlOf) =>
      name === 'order' ? { PAY_URL: urlOf('pay'), PAY_HALF_OPEN_MS: '2000', PAY_BREAKER_FAILURES: '3' } : {},
  });
  const { dataDir, ports, send, json } = processes;
  const start = async (name: Name, env: Record<string, string> = {}) => {
    await processes.start(name, env);
  };
  const stop = (name: Name) => processes.stop(name);
  const first = (name: Name, path: string, plural: string) =>
    eventually(async () => ((await json(name, path))._embedded[plural] as Json[])[0], 15_000);

  const api = {
    dataDir,
    ports,
    start,
    stop,
    send,
    json,
    startAll: () => processes.startAll(),
    stopAll: processes.stopAll,
    async placeOrder(extra: Json = {}): Promise<number> {
      const res = await send('order', 'POST', '/orders', { itemNo: 1001, customerId: 'LKJ', ...extra });
      assert.equal(res.status, 201);
      assert.ok(res.headers.get('location'));
      return ((await res.json()) as Json).id as number;
    },
    shopCopy: (orderNo: number) => first('shop', `/shopManagements?orderNo=${orderNo}`, 'shopManagements'),
    shipping: (orderNo: number) => first('shipping', `/shippings?orderNo=${orderNo}`, 'shippings'),
    delivery: (orderNo: number) => first('delivery', `/deliveries?orderNo=${orderNo}`, 'deliveries'),
    payment: (orderNo: number) => first('pay', `/payments?orderNo=${orderNo}`, 'payments'),
    order: (orderNo: number) => json('order', `/orders/${orderNo}`),
    async shopDo(orderNo: number, action: 'accept' | 'reject') {
      const copy = await api.shopCopy(orderNo);
      const res = await send('shop', 'POST', `/shopManagements/${copy.id}/${action}`);
      assert.equal(res.status, 200, `${action} order ${orderNo}`);
    },
    async arrive(orderNo: number) {
      const s = await api.shipping(orderNo);
      const res = await send('shipping', 'PATCH', `/shippings/${s.id}`, {
        shippingStatus: 'ShippingCompleted',
      });
      assert.equal(res.status, 200, `arrival of ${orderNo}`);
    },
    async customsDo(orderNo: number, action: 'approve' | 'reject' | 'complete') {
      const d = await api.delivery(orderNo);
      const res = await send('delivery', 'POST', `/deliveries/${d.id}/${action}`);
      assert.equal(res.status, 200, `${action} delivery of ${orderNo}`);
    },
    /** Waits until the order's statusViews row passes `check` (and returns it). */
    view: (orderNo: number, check: (row: Json) => boolean) =>
      eventually(async () => {
        const row = (
          (await json('viewpage', `/statusViews?orderNo=${orderNo}`))._embedded.statusViews as Json[]
        )[0];
        if (!row || !check(row)) throw new Error(`statusView now ${JSON.stringify(row)}`);
        return row;
      }, 15_000),
    orderIs: (orderNo: number, check: (o: Json) => boolean) =>
      eventually(async () => {
        const o = await api.order(orderNo);
        if (!check(o)) throw new Error(`order now ${JSON.stringify(o)}`);
        return o;
      }, 15_000),
  };
  return api;
}
