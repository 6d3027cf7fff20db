/** cleanmanage alone: the registration cleancall makes (idempotent), then following the request by events. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  eventually,
  type InProcessService,
  probeEvents,
  publish,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { cleanManageService } from '../src/service.ts';

const line = { customerId: 'customer1', tel: '01023221353', location: 'seoul', cost: 200000 };

describe('cleanmanage service', () => {
  let s: InProcessService;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const row = async (orderId: number) =>
    (await s.call('GET', `/cleanmanages?orderId=${orderId}`)).body._embedded.cleanmanages[0];

  before(async () => {
    s = await startInProcess(cleanManageService, { DATA_DIR: tempDir('cleaning-cleanmanage-') });
    probe = await probeEvents(s.service, 'cleaning');
  });
  after(async () => {
    await probe.close();
    await s.close();
  });

  it("registers a request once (the seed's string orderId too); the request's status is operations' own", async () => {
    const first = await s.call('POST', '/cleanmanages', { orderId: '11', ...line, status: 'Confirmed' });
    assert.equal(first.status, 201);
    assert.equal(first.body.status, 'Requested');
    const again = await s.call('POST', '/cleanmanages', { orderId: 11, ...line });
    assert.equal(again.body.id, first.body.id, 'a retried call gets the same registration');
    assert.equal((await s.call('GET', '/cleanmanages')).body.page.totalElements, 1);
    assert.equal((await s.call('POST', '/cleanmanages', { orderId: 12 })).status, 400);
  });

  it('asks for a cleaner once the request was saved (CleanCalled), once; follows the outcome', async () => {
    await publish(s.service, [
      { type: 'CleanCalled', key: '11', data: { id: 11, orderId: 11, ...line, status: 'Requested' } },
      { type: 'CleanCalled', key: '11', data: { id: 11, orderId: 11, ...line, status: 'Requested' } },
    ]);
    await eventually(async () => (await row(11)).assignmentRequested === true);
    await publish(s.service, [
      {
        type: 'CleanerAssigned',
        key: '11',
        data: {
          id: 11,
          orderId: 11,
          ...line,
          cleanerId: 3,
          cleanerName: 'Kim',
          cleanerTel: '0101',
          status: 'Assigned',
        },
      },
    ]);
    await eventually(async () => (await row(11)).status === 'Confirmed');
    assert.equal((await row(11)).cleanerName, 'Kim');
    assert.equal(probe.seen.filter((e) => e.type === 'AssignmentRequested' && e.key === '11').length, 1);
  });

  it('a registration cleancall could not save is withdrawn, and nobody is asked for', async () => {
    await s.call('POST', '/cleanmanages', { orderId: 21, ...line });
    await publish(s.service, [
      { type: 'CleanCallWithdrawn', key: '21', data: { orderId: 21, manageId: 1, reason: 'test' } },
    ]);
    await eventually(async () => (await row(21)).status === 'Withdrawn');
    assert.equal((await row(21)).assignmentRequested, false);
  });
});
