/**
 * The flowerdelivery system as real processes (one per service): the spec's scenarios and its
 * fault-isolation cases. The engines are the caller's: system.test.ts runs it on the embedded
 * store and log, system.engines.test.ts on Kafka / NATS with PostgreSQL and MariaDB stores.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  bundleService,
  eventually as eventuallyWithin,
  freePort,
  killAll,
  type ServiceProcess,
  startProcess,
  tempDir,
} from '@bounded/service-kit/testing';

export const SERVICES = ['order', 'payment', 'ordermanagement', 'delivery', 'mypage'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface SystemEngines {
  /** Shown in the suite's name. */
  readonly label: string;
  /** Extra environment of every process of one service (BUS_URL, DATABASE_URL, BUS_TOPIC …), asked once per service. */
  envOf(name: ServiceName): Promise<Record<string, string>>;
  /** How long to wait for an event's effects (default 10 000 ms). */
  readonly eventuallyMs?: number;
}

const rose = { storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000, userName: 'LKJ' };

export function flowerdeliverySystemSuite(engines: SystemEngines): void {
  describe(`flowerdelivery system (real processes, ${engines.label})`, { timeout: 180_000 }, () => {
    const dataDir = tempDir('flowerdelivery-system-');
    const bundles = {} as Record<ServiceName, string>;
    const ports = {} as Record<ServiceName, number>;
    const procs = {} as Record<ServiceName, ServiceProcess>;
    const envs = {} as Record<ServiceName, Record<string, string>>;
    const eventuallyMs = engines.eventuallyMs ?? 10_000;
    const eventually = <T>(check: () => Promise<T | undefined | false>, ms = eventuallyMs) =>
      eventuallyWithin(check, ms);
    let delivery2: ServiceProcess | undefined;

    const start = async (name: ServiceName, env: Record<string, string> = {}) => {
      procs[name] = await startProcess(name, bundles[name], ports[name], {
        DATA_DIR: dataDir,
        ...envs[name],
        ...(name === 'order'
          ? {
              PAYMENT_URL: `http://127.0.0.1:${ports.payment}`,
              PAYMENT_HALF_OPEN_MS: '2000',
              PAYMENT_BREAKER_FAILURES: '3',
            }
          : {}),
        ...env,
      });
    };
    const url = (name: ServiceName, path: string) => `http://127.0.0.1:${ports[name]}${path}`;
    const json = async (name: ServiceName, path: string) => (await fetch(url(name, path))).json();
    const send = (name: ServiceName, method: string, path: string, body?: unknown) =>
      fetch(url(name, path), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const placeOrder = async (extra: Partial<typeof rose> = {}) => {
      const res = await send('order', 'POST', '/orders', { ...rose, ...extra });
      assert.equal(res.status, 201);
      assert.ok(res.headers.get('location'));
      return (await res.json()).id as number;
    };
    const storeCopy = (orderId: number) =>
      eventually(
        async () =>
          (await json('ordermanagement', `/ordermanagements?orderId=${orderId}`))._embedded
            .ordermanagements[0],
      );
    const deliveryOf = (orderId: number) =>
      eventually(
        async () => (await json('delivery', `/deliveries?orderId=${orderId}`))._embedded.deliveries[0],
      );
    const myPage = (orderId: number, check: (row: Record<string, unknown>) => boolean) =>
      eventually(async () => {
        const row = (await json('mypage', `/myPages?orderId=${orderId}`))._embedded.myPages[0];
        if (row && !check(row)) throw new Error(`myPage now ${JSON.stringify(row)}`);
        return row;
      });
    const orderStatus = (orderId: number, status: string) =>
      eventually(async () => {
        return (await json('order', `/orders/${orderId}`)).orderStatus === status;
      });
    const storeDo = async (orderId: number, action: 'accept' | 'decorate' | 'reject') => {
      const copy = await storeCopy(orderId);
      const res = await send('ordermanagement', 'POST', `/ordermanagements/${copy.id}/${action}`);
      assert.equal(res.status, 200, `${action} order ${orderId}`);
    };
    const riderDo = async (orderId: number, action: 'start' | 'complete') => {
      const d = await deliveryOf(orderId);
      const res = await send('delivery', 'POST', `/deliveries/${d.id}/${action}`);
      assert.equal(res.status, 200, `${action} delivery of ${orderId}`);
    };

    before(async () => {
      for (const name of SERVICES) {
        bundles[name] = await bundleService(join(import.meta.dirname, '..'), name, 'flowerdelivery');
        ports[name] = await freePort();
        envs[name] = await engines.envOf(name);
      }
      for (const name of SERVICES) await start(name);
    });
    after(async () => {
      await killAll();
    });

    it('happy path: order → paid → accepted → decorated → delivery requested → started → completed, MyPage at each step', async () => {
      const id = await placeOrder();
      assert.equal((await json('order', `/orders/${id}`)).orderStatus, 'Paid');
      await myPage(id, (r) => r.orderStatus === 'Paid' && r.orderQty === 1 && r.storeName === 'KJSHOP');
      await storeDo(id, 'accept');
      await myPage(id, (r) => r.orderStatus === 'OrderAccepted');
      await storeDo(id, 'decorate');
      assert.equal((await deliveryOf(id)).deliveryStatus, 'DeliveryRequested');
      await myPage(id, (r) => r.orderStatus === 'Decorated' && r.deliveryStatus === 'DeliveryRequested');
      await riderDo(id, 'start');
      await myPage(id, (r) => r.deliveryStatus === 'DeliveryStarted');
      await orderStatus(id, 'DeliveryStarted');
      await riderDo(id, 'complete');
      await myPage(id, (r) => r.deliveryStatus === 'DeliveryCompleted');
      await orderStatus(id, 'DeliveryCompleted');
    });

    it('store rejects → payment refunded → order ends rejected', async () => {
      const id = await placeOrder({ itemName: '안개꽃한다발' });
      await storeDo(id, 'reject');
      await orderStatus(id, 'OrderRejected');
      await eventually(async () => (await json('order', `/orders/${id}`)).paymentStatus === 'Refunded');
      const payments = (await json('payment', '/payments?size=100'))._embedded.payments;
      assert.equal(payments.find((p: { orderId: number }) => p.orderId === id).paymentStatus, 'Refunded');
      await myPage(id, (r) => r.orderStatus === 'OrderRejected' && r.paymentStatus === 'Refunded');
    });

    it('customer cancels before the rider starts (refund, delivery cancelled) and is refused (409) after', async () => {
      const early = await placeOrder();
      const late = await placeOrder();
      for (const id of [early, late]) {
        await storeDo(id, 'accept');
        await storeDo(id, 'decorate');
        await deliveryOf(id);
      }
      assert.equal((await send('order', 'DELETE', `/orders/${early}`)).status, 204);
      assert.equal((await json('order', `/orders/${early}`)).orderStatus, 'OrderCancelled');
      await eventually(async () => (await deliveryOf(early)).deliveryStatus === 'DeliveryCancelled');
      await myPage(
        early,
        (r) =>
          r.orderStatus === 'OrderCancelled' &&
          r.deliveryStatus === 'DeliveryCancelled' &&
          r.paymentStatus === 'Refunded',
      );

      await riderDo(late, 'start');
      await orderStatus(late, 'DeliveryStarted');
      const refused = await send('order', 'DELETE', `/orders/${late}`);
      assert.equal(refused.status, 409);
      assert.equal((await refused.json()).code, 'ORDER.DELIVERY_STARTED');
    });

    it('two delivery replicas share the work: each delivery request is created exactly once', async () => {
      const port2 = await freePort();
      delivery2 = await startProcess('delivery-2', bundles.delivery, port2, {
        DATA_DIR: dataDir,
        ...envs.delivery,
      });
      const before = (await json('delivery', '/deliveries')).page.totalElements;
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push(await placeOrder({ itemName: `bouquet ${i}` }));
      for (const id of ids) await storeDo(id, 'accept');
      for (const id of ids) await storeDo(id, 'decorate');
      await eventually(async () => (await json('delivery', '/deliveries')).page.totalElements === before + 6);
      await new Promise((r) => setTimeout(r, 300));
      const all = (await json('delivery', '/deliveries?size=1000'))._embedded.deliveries as Array<{
        orderId: number;
      }>;
      for (const id of ids) assert.equal(all.filter((d) => d.orderId === id).length, 1, `order ${id}`);
      assert.equal(all.length, before + 6);
      for (const p of [procs.delivery.url, delivery2.url]) {
        assert.deepEqual((await (await fetch(`${p}/admin/parked`)).json()).parked, []);
      }
      await delivery2.stop();
    });

    it('with ordermanagement stopped, orders are still taken; restarted, it catches up and MyPage converges', async () => {
      await procs.ordermanagement.stop();
      const id = await placeOrder({ itemName: 'while the store was closed' });
      await myPage(id, (r) => r.orderStatus === 'Paid');
      await start('ordermanagement');
      const copy = await storeCopy(id);
      assert.equal(copy.orderStatus, 'Received');
      await storeDo(id, 'accept');
      await myPage(id, (r) => r.orderStatus === 'OrderAccepted');
    });

    it('with payment down: 503 + Retry-After, no order row, no event', async () => {
      await procs.payment.stop();
      const orders = (await json('order', '/orders')).page.totalElements;
      const pages = (await json('mypage', '/myPages')).page.totalElements;
      const res = await send('order', 'POST', '/orders', rose);
      assert.equal(res.status, 503);
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
      assert.equal((await json('order', '/orders')).page.totalElements, orders);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await json('mypage', '/myPages')).page.totalElements, pages, 'no event reached MyPage');
    });

    it('with payment slow: the breaker opens and orders are refused fast; payment healthy again → orders succeed after the half-open wait', async () => {
      await start('payment', { PAYMENT_DELAY_MS: '3000' });
      // The failed call above counted; slow calls time out (1 s) until the breaker opens.
      let fast: Response | undefined;
      for (let i = 0; i < 4 && !fast; i++) {
        const t0 = Date.now();
        const res = await send('order', 'POST', '/orders', rose);
        assert.equal(res.status, 503);
        if ((await res.clone().json()).code === 'DEPENDENCY.CIRCUIT_OPEN') {
          assert.ok(Date.now() - t0 < 300, 'an open breaker answers at once');
          fast = res;
        }
      }
      assert.ok(fast, 'the breaker opened');
      assert.ok(Number(fast.headers.get('retry-after')) >= 1);
      await procs.payment.stop();
      await start('payment');
      const id = await eventually(async () => {
        const res = await send('order', 'POST', '/orders', rose);
        return res.status === 201 ? (await res.json()).id : undefined;
      }, eventuallyMs);
      await myPage(id, (r) => r.orderStatus === 'Paid');
    });
  });
}
