/**
 * Every flowerdelivery service with its store on PostgreSQL, then on MariaDB (engine tier:
 * engines/postgres.sh, engines/mariadb.sh), in this process on the embedded log: each service's
 * migrations on a fresh database, then the spec's journeys through all five, and commands racing
 * on the same orders (their policies decide on locked rows).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type InProcessService, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { deliveryService } from '../delivery/src/service.ts';
import { myPageService } from '../mypage/src/service.ts';
import { orderService } from '../order/src/service.ts';
import { orderManagementService } from '../ordermanagement/src/service.ts';
import { paymentService } from '../payment/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;

const rose = { storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000, userName: 'LKJ' };

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`flowerdelivery services on ${tier} (in process, embedded log)`, { timeout: 120_000 }, () => {
    const databases: string[] = [];
    const s = {} as Record<'order' | 'payment' | 'ordermanagement' | 'delivery' | 'mypage', InProcessService>;

    before(async () => {
      const dataDir = tempDir('flowerdelivery-engines-');
      const env = async () => {
        const url = await freshDatabase(dialect);
        databases.push(url);
        return { DATA_DIR: dataDir, DATABASE_URL: url };
      };
      s.payment = await startInProcess(paymentService, await env(), { listen: true });
      s.order = await startInProcess(orderService, { ...(await env()), PAYMENT_URL: s.payment.url! });
      s.ordermanagement = await startInProcess(orderManagementService, await env());
      s.delivery = await startInProcess(deliveryService, await env());
      s.mypage = await startInProcess(myPageService, await env());
    });
    after(async () => {
      for (const service of Object.values(s).reverse()) await service.close();
      for (const url of databases) await dropDatabase(url).catch(() => {});
    });

    const first = (name: keyof typeof s, path: string, plural: string) =>
      eventually(async () => ((await s[name].call('GET', path)).body._embedded[plural] as Json[])[0], 15_000);
    const storeCopy = (orderId: number) =>
      first('ordermanagement', `/ordermanagements?orderId=${orderId}`, 'ordermanagements');
    const deliveryOf = (orderId: number) => first('delivery', `/deliveries?orderId=${orderId}`, 'deliveries');
    const myPage = (orderId: number, check: (row: Json) => boolean) =>
      eventually(async () => {
        const row = (await s.mypage.call('GET', `/myPages?orderId=${orderId}`)).body._embedded.myPages[0];
        if (!row || !check(row)) throw new Error(`myPage now ${JSON.stringify(row)}`);
        return row as Json;
      }, 15_000);
    const orderIs = (orderId: number, check: (o: Json) => boolean) =>
      eventually(async () => {
        const o = (await s.order.call('GET', `/orders/${orderId}`)).body;
        if (!check(o)) throw new Error(`order now ${JSON.stringify(o)}`);
        return o as Json;
      }, 15_000);
    const placeOrder = async (extra: Json = {}) => {
      const res = await s.order.call('POST', '/orders', { ...rose, ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };
    const storeDo = async (orderId: number, action: 'accept' | 'decorate' | 'reject') => {
      const copy = await storeCopy(orderId);
      const res = await s.ordermanagement.call('POST', `/ordermanagements/${copy.id}/${action}`);
      assert.equal(res.status, 200, `${action} order ${orderId}: ${JSON.stringify(res.body)}`);
    };
    const riderDo = async (orderId: number, action: 'start' | 'complete') => {
      const d = await deliveryOf(orderId);
      return s.delivery.call('POST', `/deliveries/${d.id}/${action}`);
    };

    it('happy path through all five services: order → paid → accepted → decorated → delivered, MyPage at each step', async () => {
      const id = await placeOrder();
      const placed = (await s.order.call('GET', `/orders/${id}`)).body;
      assert.equal(placed.orderStatus, 'Paid');
      assert.equal(placed.itemPrice, 50000, 'bigint columns come back as numbers');
      await myPage(
        id,
        (r) => r.orderStatus === 'Paid' && r.itemName === '장미 한바구니' && r.itemPrice === 50000,
      );
      await storeDo(id, 'accept');
      await storeDo(id, 'decorate');
      assert.equal((await deliveryOf(id)).deliveryStatus, 'DeliveryRequested');
      assert.equal((await riderDo(id, 'start')).status, 200);
      await orderIs(id, (o) => o.orderStatus === 'DeliveryStarted');
      assert.equal((await riderDo(id, 'complete')).status, 200);
      await myPage(id, (r) => r.deliveryStatus === 'DeliveryCompleted' && r.paymentStatus === 'Paid');
      await orderIs(id, (o) => o.orderStatus === 'DeliveryCompleted');
    });

    it('input the columns cannot hold is a 400 here as on SQLite, never a 500', async () => {
      for (const bad of [
        { ...rose, itemName: 'x'.repeat(256) },
        { ...rose, storeName: 'x'.repeat(256) },
        { ...rose, qty: 2 ** 31 },
        { ...rose, itemPrice: 2 ** 60 },
      ]) {
        const res = await s.order.call('POST', '/orders', bad);
        assert.equal(res.status, 400, JSON.stringify(res.body));
      }
      const payment = await s.payment.call('POST', '/payments', { ...rose, orderId: 2 ** 60 });
      assert.equal(payment.status, 400);
      for (const [name, path] of [
        ['order', '/orders/99999999999999999999'],
        ['delivery', '/deliveries?orderId=99999999999999999999'],
        ['mypage', '/myPages?orderId=99999999999999999999'],
        ['ordermanagement', '/ordermanagements?orderId=99999999999999999999'],
      ] as const) {
        const res = await s[name].call('GET', path);
        assert.ok([400, 404].includes(res.status), `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    });

    it('store rejects → refunded; a repeated payment key pays once; paging and sorting on the server', async () => {
      const id = await placeOrder({ itemName: '안개꽃한다발' });
      await storeDo(id, 'reject');
      await orderIs(id, (o) => o.orderStatus === 'OrderRejected' && o.paymentStatus === 'Refunded');
      await myPage(id, (r) => r.orderStatus === 'OrderRejected' && r.paymentStatus === 'Refunded');

      const body = { ...rose, orderId: 999_001 };
      const pay = () =>
        s.payment.service.app.inject({
          method: 'POST',
          url: '/payments',
          payload: body,
          headers: { 'idempotency-key': 'same-key' },
        });
      const [a, b] = await Promise.all([pay(), pay()]);
      assert.deepEqual([a.statusCode, b.statusCode], [201, 201]);
      assert.equal(a.json().id, b.json().id, 'the second call got the first payment');

      const page = (await s.payment.call('GET', '/payments?page=0&size=2&sort=id,desc')).body;
      const all = (await s.payment.call('GET', '/payments?size=100&sort=id,asc')).body._embedded
        .payments as Json[];
      assert.equal(page.page.totalElements, all.length);
      assert.equal(all.filter((p) => p.orderId === 999_001).length, 1);
      assert.deepEqual(
        (page._embedded.payments as Json[]).map((p) => p.id),
        all
          .map((p) => p.id)
          .reverse()
          .slice(0, 2),
      );
    });

    it('cancel racing the rider start on 10 orders: each answers 2xx or 409, every order settles consistently, nothing parked', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 10; i++) ids.push(await placeOrder({ itemName: `bouquet ${i}` }));
      for (const id of ids) {
        await storeDo(id, 'accept');
        await storeDo(id, 'decorate');
      }
      const deliveries = new Map<number, Json>();
      for (const id of ids) deliveries.set(id, await deliveryOf(id));
      const outcomes = await Promise.all(
        ids.map(async (id) => {
          const [cancel, start] = await Promise.all([
            s.order.call('DELETE', `/orders/${id}`),
            s.delivery.call('POST', `/deliveries/${deliveries.get(id)!.id}/start`),
          ]);
          return { id, cancel: cancel.status, start: start.status };
        }),
      );
      for (const o of outcomes) {
        assert.ok([204, 409].includes(o.cancel), `cancel of ${o.id}: ${o.cancel}`);
        assert.ok([200, 409].includes(o.start), `start of ${o.id}: ${o.start}`);
        const order = await orderIs(
          o.id,
          (x) => x.orderStatus === 'OrderCancelled' || x.orderStatus === 'DeliveryStarted',
        );
        if (o.cancel === 204) {
          assert.equal(order.orderStatus, 'OrderCancelled');
          await myPage(o.id, (r) => r.paymentStatus === 'Refunded');
        } else assert.equal(order.orderStatus, 'DeliveryStarted', `order ${o.id}`);
      }
      for (const name of ['order', 'payment', 'ordermanagement', 'delivery', 'mypage'] as const) {
        assert.deepEqual(
          (await s[name].call('GET', '/admin/parked')).body.parked,
          [],
          `${name}: nothing parked`,
        );
      }
    });
  });
}
