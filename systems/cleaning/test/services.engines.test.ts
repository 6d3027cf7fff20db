/**
 * Every cleaning service with its store on PostgreSQL, then on MariaDB (engine tier), in this
 * process on the embedded log: each service's migrations on a fresh database, then a request
 * through all four — confirmed, the customer told (through a webhook), completed, and one
 * cancelled and one refused for want of a cleaner.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  asUser,
  eventually,
  type InProcessService,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { dropDatabase, ENGINE_DIALECTS, freshDatabase } from '@bounded/store/testing';
import { cleanAssignService } from '../cleanassign/src/service.ts';
import { cleanCallService } from '../cleancall/src/service.ts';
import { cleanManageService } from '../cleanmanage/src/service.ts';
import { customerService } from '../customer/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = Record<string, any>;
const BODY = { tel: '01023221353', location: 'seoul', cost: '200000' };

for (const dialect of ENGINE_DIALECTS) {
  const tier = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';

  describe(`cleaning services on ${tier} (in process, embedded log)`, { timeout: 90_000 }, () => {
    const databases: string[] = [];
    const s = {} as Record<'cleancall' | 'cleanmanage' | 'cleanassign' | 'customer', InProcessService>;
    const delivered: string[] = [];
    const hook = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        delivered.push(String(req.headers['idempotency-key']));
        res.writeHead(200).end();
      });
    });

    before(async () => {
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      const dataDir = tempDir('cleaning-engines-');
      const env = async () => {
        const url = await freshDatabase(dialect);
        databases.push(url);
        return { DATA_DIR: dataDir, DATABASE_URL: url };
      };
      s.cleanmanage = await startInProcess(cleanManageService, await env(), { listen: true });
      s.cleancall = await startInProcess(cleanCallService, {
        ...(await env()),
        CLEANMANAGE_URL: s.cleanmanage.url!,
        CLEANMANAGE_TIMEOUT_MS: '5000',
      });
      s.cleanassign = await startInProcess(cleanAssignService, { ...(await env()), DEV_CLEANERS: '1' });
      s.customer = await startInProcess(customerService, {
        ...(await env()),
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
        NOTIFY_POLL_MS: '20',
      });
    });
    after(async () => {
      for (const service of Object.values(s).reverse()) await service.close();
      for (const url of databases) await dropDatabase(url).catch(() => {});
      await new Promise<void>((r) => hook.close(() => r()));
    });

    const request = async () => {
      const res = await s.cleancall.call('POST', '/cleancalls', { ...BODY, customerId: 'customer1' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as number;
    };
    const callIs = (id: number, status: string) =>
      eventually(async () => {
        const c = (await s.cleancall.call('GET', `/cleancalls/${id}`)).body as Json;
        return c.status === status && c;
      }, 20_000);
    const told = (id: number, kind: string) =>
      eventually(async () => {
        const n = (await s.customer.call('GET', `/notifications?orderId=${id}&kind=${kind}`)).body._embedded
          .notifications[0] as Json | undefined;
        return n?.status === 'Sent' && n;
      }, 20_000);

    it('confirmed with the dev cleaner idle longest, told through the webhook once, completed; the cleaner freed', async () => {
      const id = await request();
      const confirmed = await callIs(id, 'Confirmed');
      assert.equal(confirmed.cleanerName, 'Kim Minjun');
      assert.equal((await told(id, 'Confirmed')).cleanerTel, '01011112222');
      const done = await s.cleanassign.service.app.inject({
        method: 'PATCH',
        url: `/cleanassigns/${id}`,
        payload: { status: 'Completed' },
        headers: asUser('cleaner1', 'cleaner'),
      });
      assert.equal(done.statusCode, 200, done.body);
      await callIs(id, 'Completed');
      await told(id, 'Completed');
      const history = (await s.customer.call('GET', `/cleaningHistories?orderId=${id}`)).body._embedded
        .cleaningHistories[0];
      assert.equal(history.status, 'Completed');
      assert.equal(delivered.filter((k) => k === `${id}-Confirmed`).length, 1);
      const idle = (await s.cleanassign.call('GET', '/cleaners?status=Idle')).body.page.totalElements;
      assert.equal(idle, 2);
    });

    it('cancel after assignment frees the cleaner; with both busy, the next ends NoCleanerAvailable', async () => {
      const a = await request();
      const b = await request();
      await callIs(a, 'Confirmed');
      await callIs(b, 'Confirmed');
      const none = await request();
      await callIs(none, 'NoCleanerAvailable');
      await told(none, 'NoCleanerAvailable');
      assert.equal((await s.cleancall.call('DELETE', `/cleancalls/${a}`)).status, 204);
      assert.equal((await s.cleancall.call('DELETE', `/cleancalls/${a}`)).status, 409);
      await eventually(
        async () => (await s.cleanassign.call('GET', '/cleaners?status=Idle')).body.page.totalElements === 1,
      );
      await eventually(
        async () =>
          (await s.cleanmanage.call('GET', `/cleanmanages?orderId=${a}`)).body._embedded.cleanmanages[0]
            ?.status === 'Cancelled',
      );
      await told(a, 'Cancelled');
      for (const name of ['cleancall', 'cleanmanage', 'cleanassign', 'customer'] as const) {
        assert.deepEqual(
          (await s[name].call('GET', '/admin/parked')).body.parked,
          [],
          `${name}: nothing parked`,
        );
      }
    });
  });
}
