/** The customer service alone: history and messages from events, each once; the webhook port's retries. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  asUser,
  eventually,
  type InProcessService,
  publish,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { customerService } from '../src/service.ts';

const line = { orderId: 5, customerId: 'customer1', tel: '010', location: 'seoul', cost: 100 };
const assigned = { id: 5, ...line, cleanerId: 1, cleanerName: 'Kim', cleanerTel: '0101', status: 'Assigned' };

describe('customer service (webhook)', () => {
  let s: InProcessService;
  const answers: number[] = [503, 500];
  const received: Array<{ key: string; status: number }> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = answers.shift() ?? 204;
      received.push({ key: String(req.headers['idempotency-key']), status });
      res.writeHead(status).end();
    });
  });

  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    s = await startInProcess(customerService, {
      DATA_DIR: tempDir('cleaning-customer-'),
      NOTIFY_WEBHOOK_URL: url,
      NOTIFY_POLL_MS: '20',
      NOTIFY_FIRST_RETRY_MS: '50',
      NOTIFY_MAX_RETRY_MS: '100',
    });
  });
  after(async () => {
    await s.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('an event delivered twice (two event ids) makes one history row and one message, sent once after the webhook recovers', async () => {
    await publish(s.service, [
      { type: 'CleanCalled', key: '5', data: { id: 5, ...line, status: 'Requested' } },
      { type: 'CleanerAssigned', key: '5', data: assigned },
      { type: 'CleanerAssigned', key: '5', data: assigned },
    ]);
    const sent = await eventually(async () => {
      const n = (await s.call('GET', '/notifications', undefined)).body._embedded.notifications;
      return n.length === 1 && n[0].status === 'Sent' && n[0];
    });
    assert.equal(sent.messageId, '5-Confirmed');
    assert.equal(sent.attempts, 3, 'two refusals, then delivered');
    assert.deepEqual(
      received.map((r) => r.status),
      [503, 500, 204],
    );
    assert.ok(received.every((r) => r.key === '5-Confirmed'));
    const histories = (await s.call('GET', '/cleaningHistories')).body._embedded.cleaningHistories;
    assert.equal(histories.length, 1);
    assert.deepEqual([histories[0].status, histories[0].cleanerName], ['Confirmed', 'Kim']);
  });

  it('newest first; a customer sees only their own', async () => {
    await publish(s.service, [
      { type: 'CleanCallCancelled', key: '5', data: { id: 5, ...line, status: 'Cancelled' } },
      {
        type: 'CleanCalled',
        key: '6',
        data: { id: 6, ...line, orderId: 6, customerId: 'customer2', status: 'Requested' },
      },
      {
        type: 'NoCleanerAvailable',
        key: '6',
        data: { id: 6, ...line, orderId: 6, customerId: 'customer2', status: 'NoCleanerAvailable' },
      },
    ]);
    await eventually(async () => (await s.call('GET', '/notifications')).body.page.totalElements === 3);
    const app = s.service.app;
    const mine = (await app.inject({ url: '/notifications', headers: asUser('customer1') })).json()._embedded
      .notifications;
    assert.deepEqual(
      mine.map((n: { messageId: string }) => n.messageId),
      ['5-Cancelled', '5-Confirmed'],
    );
    const theirs = (await app.inject({ url: '/cleaningHistories', headers: asUser('customer2') })).json();
    assert.deepEqual(
      theirs._embedded.cleaningHistories.map((h: { orderId: number }) => h.orderId),
      [6],
    );
  });
});
