/**
 * Every malltail service with its store on PostgreSQL, then on MariaDB (engine tier:
 * engines/postgres.sh, engines/mariadb.sh), in this process on the embedded log: each service's
 * migrations on a fresh database, then the spec's journeys through all six, and the cancel /
 * shipping-start race, which on these servers only the order's row lock decides.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type InProcessService, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { deliveryService } from '../delivery/src/service.ts';
import { orderService } from '../order/src/service.ts';
import { payService } from '../pay/src/service.ts';
import { shippingService } from '../shipping/src/service.ts';
import { shopService } from '../shop/src/service.ts';
import { viewPageService } from '../viewpage/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`malltail services on ${tier} (in process, embedded log)`, { timeout: 120_000 }, () => {
    const databases: string[] = [];
    const s = {} as Record<'order' | 'pay' | 'shop' | 'shipping' | 'delivery' | 'viewpage', InProcessService>;

    before(async () => {
      const dataDir = tempDir('malltail-engines-');
      const env = async () => {
        const url = await freshDatabase(dialect);
        databases.push(url);
        return { DATA_DIR: dataDir, DATABASE_URL: url };
      };
      s.pay = await startInProcess(payService, await env(), { listen: true });
      s.order = await startInProcess(orderService, { ...(await env()), PAY_URL: s.pay.url! });
      s.shop = await startInProcess(shopService, await env());
      s.shipping = await startInProcess(shippingService, await env());
      s.delivery = await startInProcess(deliveryService, await env());
      s.viewpage = await startInProcess(viewPageService, await env());
    });
    after(async () => {
      for (const service of Object.values(s).reverse()) await service.close();
      for (const url of databases) await dropDatabase(url).catch(() => {});
    });

    const first = (name: keyof typeof s, path: string, plural: string) =>
      eventually(async () => ((await s[name].call('GET', path)).body._embedded[plural] as Json[])[0], 15_000);
    const shopCopy = (orderNo: number) =>
      first('shop', `/shopManagements?orderNo=${orderNo}`, 'shopManagements');
    const payment = (orderNo: number) => first('pay', `/payments?orderNo=${orderNo}`, 'payments');
    const view = (orderNo: number, check: (row: Json) => boolean) =>
      eventually(async () => {
        const row = (await s.viewpage.call('GET', `/statusViews?orderNo=${orderNo}`)).body._embedded
          .statusViews[0];
        if (!row || !check(row)) throw new Error(`statusView now ${JSON.stringify(row)}`);
        return row as Json;
      }, 15_000);
    const orderIs = (orderNo: number, check: (o: Json) => boolean) =>
      eventually(async () => {
        const o = (await s.order.call('GET', `/orders/${orderNo}`)).body;
        if (!check(o)) throw new Error(`order now ${JSON.stringify(o)}`);
        return o as Json;
      }, 15_000);
    const placeOrder = async (extra: Json = {}) => {
      const res = await s.order.call('POST', '/orders', { itemNo: 1001, customerId: 'LKJ', ...extra });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };

    it('happy path through all six services: order → paid → accepted → shipped → customs → delivered', async () => {
      const id = await placeOrder({
        customerAddress: '서울시 강남구',
        customerName: '이경준',
        phoneNumber: '010-1234',
      });
      assert.equal(typeof id, 'number');
      await view(id, (r) => r.orderStatus === 'Ordered' && r.paystatus === 'Paid' && r.itemNo === 1001);
      const copy = await shopCopy(id);
      assert.equal(copy.deliveryStatus, 'Ready');
      assert.equal(copy.orderNo, id, 'bigint columns come back as numbers');
      assert.equal((await s.shop.call('POST', `/shopManagements/${copy.id}/accept`)).status, 200);
      const shipping = await first('shipping', `/shippings?orderNo=${id}`, 'shippings');
      assert.equal(shipping.customerAddress, '서울시 강남구');
      await orderIs(id, (o) => o.deliveryStatus === 'ShippingStarted');
      const arrived = await s.shipping.call('PATCH', `/shippings/${shipping.id}`, {
        shippingStatus: 'ShippingCompleted',
      });
      assert.equal(arrived.status, 200);
      const delivery = await first('delivery', `/deliveries?orderNo=${id}`, 'deliveries');
      assert.equal(delivery.deliveryStatus, 'CustomsPending');
      assert.equal((await s.delivery.call('POST', `/deliveries/${delivery.id}/approve`)).status, 200);
      assert.equal((await s.delivery.call('POST', `/deliveries/${delivery.id}/complete`)).status, 200);
      await view(id, (r) => r.deliveryStatus === 'DeliveryCompleted' && r.orderStatus === 'Completed');
      await orderIs(id, (o) => o.orderStatus === 'Completed');
      assert.equal((await payment(id)).paystatus, 'Paid');
    });

    it('input the columns cannot hold is a 400 here as on SQLite, never a 500', async () => {
      for (const bad of [
        { itemNo: 1001, customerId: 'x'.repeat(256) },
        { itemNo: 1001, customerName: 'x'.repeat(256) },
        { itemNo: 1001, customerAddress: 'x'.repeat(1001) },
        { itemNo: 1001, phoneNumber: '0'.repeat(65) },
        { itemNo: 1001, qty: 2 ** 31 },
        { itemNo: 1001, qty: '99999999999' },
        { itemNo: 2 ** 60 },
      ]) {
        const res = await s.order.call('POST', '/orders', bad);
        assert.equal(res.status, 400, `${JSON.stringify(bad)}: ${JSON.stringify(res.body)}`);
      }
      const payment = await s.pay.call('POST', '/payments', { orderNo: 1, itemNo: 1, qty: 2 ** 31 });
      assert.equal(payment.status, 400);
      for (const [name, path] of [
        ['order', '/orders/99999999999999999999'],
        ['pay', '/payments?orderNo=99999999999999999999'],
        ['shop', '/shopManagements?orderNo=99999999999999999999'],
        ['shipping', '/shippings/99999999999999999999'],
        ['delivery', '/deliveries?orderNo=99999999999999999999'],
        ['viewpage', '/statusViews?orderNo=99999999999999999999'],
      ] as const) {
        const res = await s[name].call('GET', path);
        assert.ok([400, 404].includes(res.status), `${path}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    });

    it('cancel before shipping refunds; shop rejection refunds; a repeated payment key pays once', async () => {
      const early = await placeOrder();
      await shopCopy(early);
      const canceled = await s.order.call('PUT', `/orders/${early}/cancel`);
      assert.equal(canceled.status, 200);
      assert.equal(canceled.body.orderStatus, 'Canceled');
      await eventually(async () => (await payment(early)).paystatus === 'Refunded', 15_000);
      await eventually(async () => (await shopCopy(early)).deliveryStatus === 'Canceled', 15_000);
      await view(early, (r) => r.orderStatus === 'Canceled' && r.paystatus === 'Refunded');

      const rejected = await placeOrder();
      const copy = await shopCopy(rejected);
      assert.equal((await s.shop.call('POST', `/shopManagements/${copy.id}/reject`)).status, 200);
      await orderIs(rejected, (o) => o.orderStatus === 'Rejected' && o.paystatus === 'Refunded');

      const body = { orderNo: 999_001, itemNo: 1, qty: 1, customerId: 'LKJ' };
      const pay = (key: string) =>
        s.pay.service.app.inject({
          method: 'POST',
          url: '/payments',
          payload: body,
          headers: { 'idempotency-key': key },
        });
      const [a, b] = await Promise.all([pay('same-key'), pay('same-key')]);
      assert.deepEqual([a.statusCode, b.statusCode], [201, 201]);
      assert.equal(a.json().id, b.json().id, 'the second call got the first payment');
      const listed = (await s.pay.call('GET', '/payments?orderNo=999001')).body;
      assert.equal(listed.page.totalElements, 1);
    });

    it('lists page and sort on the server: page 1 of size 2, newest first', async () => {
      for (let i = 0; i < 3; i++) await placeOrder({ itemNo: 7000 + i, customerId: 'PAGER' });
      const res = await s.order.call('GET', '/orders?page=1&size=2&sort=id,desc');
      assert.equal(res.status, 200);
      assert.equal(res.body.page.size, 2);
      assert.equal(res.body.page.number, 1);
      const all = (await s.order.call('GET', '/orders?size=100&sort=id,desc')).body._embedded
        .orders as Json[];
      assert.deepEqual(
        (res.body._embedded.orders as Json[]).map((o) => o.id),
        all.slice(2, 4).map((o) => o.id),
      );
      assert.equal(res.body.page.totalElements, all.length);
    });

    it('cancel racing the shop accept on 12 orders: exactly one wins each (the row lock decides)', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 12; i++) ids.push(await placeOrder({ itemNo: 5000 + i }));
      const copies = new Map<number, Json>();
      for (const id of ids) copies.set(id, await shopCopy(id));
      const outcomes = await Promise.all(
        ids.map(async (id, i) => {
          const lead = new Promise((r) => setTimeout(r, (i % 4) * 3));
          const [cancel, accept] = await Promise.all([
            (i % 2 === 0 ? lead : Promise.resolve()).then(() => s.order.call('PUT', `/orders/${id}/cancel`)),
            (i % 2 === 1 ? lead : Promise.resolve()).then(() =>
              s.shop.call('POST', `/shopManagements/${copies.get(id)!.id}/accept`),
            ),
          ]);
          return { id, cancel: cancel.status, accept: accept.status };
        }),
      );
      for (const o of outcomes) {
        assert.ok([200, 409].includes(o.cancel), `cancel of ${o.id}: ${o.cancel}`);
        assert.ok([200, 409].includes(o.accept), `accept of ${o.id}: ${o.accept}`);
      }
      for (const o of outcomes) {
        const order = await orderIs(
          o.id,
          (x) => x.orderStatus === 'Canceled' || x.deliveryStatus === 'ShippingStarted',
        );
        if (o.cancel === 200) assert.equal(order.orderStatus, 'Canceled', `order ${o.id}: cancel won`);
        else assert.equal(order.deliveryStatus, 'ShippingStarted', `order ${o.id}: shipping won`);
      }
      await new Promise((r) => setTimeout(r, 500)); // stragglers
      for (const o of outcomes) {
        const order = (await s.order.call('GET', `/orders/${o.id}`)).body;
        const shipped = (await s.shipping.call('GET', `/shippings?orderNo=${o.id}`)).body.page.totalElements;
        assert.equal(
          shipped,
          o.cancel === 200 ? 0 : 1,
          `order ${o.id}: a shipment exists exactly when shipping won (${JSON.stringify(order)})`,
        );
        assert.ok(!(order.orderStatus === 'Canceled' && order.deliveryStatus === 'ShippingStarted'));
      }
    });
  });
}
