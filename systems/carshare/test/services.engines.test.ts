/**
 * Every carshare service with its store on PostgreSQL, then on MariaDB (engine tier:
 * engines/postgres.sh, engines/mariadb.sh), in this process on the embedded log: each service's
 * migrations (the saga's table included) on a fresh database, the seed scenario with its cancel
 * saga, the saga's compensation, and a retried cancel that reclaims and refunds once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, type InProcessService, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { couponService } from '../coupon/src/service.ts';
import { customerpageService } from '../customerpage/src/service.ts';
import { deliveryService } from '../delivery/src/service.ts';
import { orderService } from '../order/src/service.ts';
import { paymentService } from '../payment/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;
type Name = 'order' | 'delivery' | 'customerpage' | 'payment' | 'coupon';

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`carshare services on ${tier} (in process, embedded log)`, { timeout: 120_000 }, () => {
    const databases: string[] = [];
    const s = {} as Record<Name, InProcessService>;
    const dataDir = tempDir('carshare-engines-');
    const env = async () => {
      const url = await freshDatabase(dialect);
      databases.push(url);
      return { DATA_DIR: dataDir, DATABASE_URL: url };
    };
    const paymentEnv: Record<string, string> = {};
    const deliveryEnv: Record<string, string> = {};

    before(async () => {
      Object.assign(paymentEnv, await env());
      s.payment = await startInProcess(paymentService, paymentEnv, { listen: true });
      s.coupon = await startInProcess(couponService, await env(), { listen: true });
      s.order = await startInProcess(orderService, { ...(await env()), PAYMENT_URL: s.payment.url! });
      Object.assign(deliveryEnv, await env());
      s.delivery = await startInProcess(deliveryService, {
        ...deliveryEnv,
        COUPON_URL: s.coupon.url!,
        PAYMENT_URL: s.payment.url!,
        PAYMENT_BREAKER_FAILURES: '100',
        SAGA_RESUME_MS: '200',
      });
      s.customerpage = await startInProcess(customerpageService, await env());
    });
    after(async () => {
      for (const service of Object.values(s).reverse()) await service.close();
      for (const url of databases) await dropDatabase(url).catch(() => {});
    });

    const list = async (name: Name, path: string, plural: string) =>
      (await s[name].call('GET', path)).body._embedded[plural] as Json[];
    const until = <T>(probe: () => Promise<T | undefined | false>) => eventually(probe, 20_000);
    const rent = async () => {
      const res = await s.order.call('POST', '/orders', { productId: '1001', qty: '1', status: 'order' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };
    const orderIs = (id: number, status: string) =>
      until(async () => (await s.order.call('GET', `/orders/${id}`)).body.status === status);
    const cancel = (id: number) =>
      s.delivery.call('POST', '/cancellations', {
        orderId: String(id),
        paymentId: '1',
        status: 'deliveryCancel',
      });

    it('the seed scenario: rent → shipped → offered; the cancel saga → cancelled; customerpage follows', async () => {
      const id = await rent();
      await orderIs(id, 'offered');
      const res = await cancel(id);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.body.status, 'deliveryCancelled');
      await orderIs(id, 'cancelled');
      assert.equal((await list('coupon', `/coupons?orderId=${id}`, 'coupons'))[0]?.status, 'reclaimed');
      assert.equal((await list('payment', `/payments?orderId=${id}`, 'payments'))[0]?.status, 'Cancelled');
      await until(async () => {
        const row = (await list('customerpage', `/customerpages?orderId=${id}`, 'customerpages'))[0];
        return (
          row?.status === 'cancelled' && row.couponStatus === 'reclaimed' && row.paymentStatus === 'Cancelled'
        );
      });
      assert.equal((await cancel(id)).status, 409);
    });

    it('payment down mid-saga → 503 and the coupon offered again; retried → one reclaim standing, one refund', async () => {
      const id = await rent();
      await orderIs(id, 'offered');
      await s.payment.close();
      const res = await cancel(id);
      assert.equal(res.status, 503, JSON.stringify(res.body));
      await until(
        async () => (await list('coupon', `/coupons?orderId=${id}`, 'coupons'))[0]?.status === 'offered',
      );
      s.payment = await startInProcess(paymentService, paymentEnv, { listen: true });
      // Back on another port: the delivery service's payment URL is fixed, so the retried cancel
      // goes through a fresh delivery service pointed at it (same database, its saga rows kept).
      await s.delivery.close();
      s.delivery = await startInProcess(deliveryService, {
        ...deliveryEnv,
        COUPON_URL: s.coupon.url!,
        PAYMENT_URL: s.payment.url!,
        SAGA_RESUME_MS: '200',
      });
      const again = await cancel(id);
      assert.equal(again.status, 201, JSON.stringify(again.body));
      await orderIs(id, 'cancelled');
      const reclaims = await list('coupon', `/couponCancellations?orderId=${id}`, 'couponCancellations');
      assert.deepEqual(
        reclaims.map((r) => r.status),
        ['undone', 'reclaimed'],
      );
      assert.equal(
        (await list('payment', `/paymentCancellations?orderId=${id}`, 'paymentCancellations')).length,
        1,
      );
    });
  });
}
