/**
 * The four cleaning services in this process (one DATA_DIR: embedded store and event log),
 * cleanmanage on a loopback port for cleancall's sync call: the whole flow through app.inject,
 * with identities as the gateway sends them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  asUser,
  eventually,
  type InProcessService,
  publish,
  startInProcess,
  tempDir,
} from '@bounded/service-kit/testing';
import { cleanAssignService } from '../cleanassign/src/service.ts';
import { cleanCallService } from '../cleancall/src/service.ts';
import { cleanManageService } from '../cleanmanage/src/service.ts';
import { customerService } from '../customer/src/service.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
type Json = any;

describe('cleaning services in one process', { timeout: 60_000 }, () => {
  const env = { DATA_DIR: tempDir('cleaning-inproc-') };
  let call: InProcessService;
  let manage: InProcessService;
  let assign: InProcessService;
  let customer: InProcessService;
  const as = (who: string, ...roles: string[]) => asUser(who, ...roles);
  const inject = async (
    s: InProcessService,
    method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
    url: string,
    headers: Record<string, string> = {},
    payload?: object,
  ) => {
    const res = await s.service.app.inject({ method, url, headers, payload });
    return {
      status: res.statusCode,
      body: res.body ? (res.json() as Json) : undefined,
      headers: res.headers,
    };
  };

  before(async () => {
    manage = await startInProcess(cleanManageService, env, { listen: true });
    call = await startInProcess(cleanCallService, {
      ...env,
      CLEANMANAGE_URL: manage.url!,
      CLEANMANAGE_TIMEOUT_MS: '5000',
    });
    assign = await startInProcess(cleanAssignService, env);
    customer = await startInProcess(customerService, { ...env, NOTIFY_POLL_MS: '20' });
  });
  after(async () => {
    for (const s of [customer, assign, call, manage]) await s?.close();
  });

  it('request → confirmed with the cleaner; the customer is told their name and tel; completion frees them', async () => {
    const cleaner = await inject(assign, 'POST', '/cleaners', as('manager1', 'manager'), {
      name: 'Park',
      tel: '01055556666',
      username: 'cleaner1',
    });
    assert.equal(cleaner.status, 201, JSON.stringify(cleaner.body));
    assert.equal(cleaner.body.status, 'Idle');

    const placed = await inject(call, 'POST', '/cleancalls', as('customer1'), {
      tel: '01023221353',
      location: 'seoul',
      cost: '200000',
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    assert.equal(placed.body.status, 'Requested');
    assert.equal(placed.body.customerId, 'customer1');
    assert.equal(placed.body.cost, 200000);
    const id = placed.body.id as number;

    const confirmed = await eventually(async () => {
      const r = await inject(call, 'GET', `/cleancalls/${id}`, as('customer1'));
      return r.body.status === 'Confirmed' && r.body;
    });
    assert.equal(confirmed.cleanerName, 'Park');
    const told = await eventually(async () => {
      const r = await inject(customer, 'GET', '/notifications', as('customer1'));
      const n = (r.body._embedded.notifications as Json[]).find(
        (x) => x.orderId === id && x.kind === 'Confirmed',
      );
      return n?.status === 'Sent' && n;
    });
    assert.equal(told.cleanerName, 'Park');
    assert.equal(told.cleanerTel, '01055556666');
    assert.match(told.text, /Park/);
    await eventually(
      async () =>
        (await inject(manage, 'GET', `/cleanmanages?orderId=${id}`)).body._embedded.cleanmanages[0]
          ?.status === 'Confirmed',
    );

    const mine = await inject(assign, 'GET', '/cleanassigns', as('cleaner1', 'cleaner'));
    assert.equal(mine.body._embedded.cleanassigns.length, 1);
    assert.equal(
      (await inject(assign, 'GET', '/cleanassigns', as('cleaner2', 'cleaner'))).body._embedded.cleanassigns
        .length,
      0,
    );
    assert.equal(
      (await inject(assign, 'POST', `/cleanassigns/${id}/complete`, as('cleaner2', 'cleaner'))).status,
      404,
    );
    const done = await inject(assign, 'POST', `/cleanassigns/${id}/complete`, as('cleaner1', 'cleaner'));
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.status, 'Completed');
    assert.equal((await inject(assign, 'GET', `/cleaners/${cleaner.body.id}`)).body.status, 'Idle');
    await eventually(
      async () => (await inject(call, 'GET', `/cleancalls/${id}`)).body.status === 'Completed',
    );
    await eventually(
      async () =>
        (await inject(customer, 'GET', `/cleaningHistories?orderId=${id}`)).body._embedded
          .cleaningHistories[0]?.status === 'Completed',
    );
    assert.equal((await inject(call, 'DELETE', `/cleancalls/${id}`, as('customer1'))).status, 409);
  });

  it("the seed's load-test body → 400 naming location and cost", async () => {
    const res = await inject(call, 'POST', '/cleancalls', as('customer1'), { tel: '0101231234' });
    assert.equal(res.status, 400);
    const fields = (res.body.fields as Json[]).map((f) => f.field).sort();
    assert.deepEqual(fields, ['cost', 'location']);
  });
});

describe('cleanassign when the cancel overtakes the request', { timeout: 30_000 }, () => {
  it('a cancel read before the assignment request leaves a Cancelled assignment: the request then assigns nobody', async () => {
    const env = { DATA_DIR: tempDir('cleaning-overtake-') };
    const assign = await startInProcess(cleanAssignService, env);
    try {
      await assign.call('POST', '/cleaners', { name: 'Kim', tel: '0101' });
      const line = { orderId: 77, customerId: 'customer1', tel: '010', location: 'seoul', cost: 100 };
      await publish(assign.service, [
        { type: 'CleanCallCancelled', key: '77', data: { id: 77, ...line, status: 'Cancelled' } },
        { type: 'AssignmentRequested', key: '77', data: { id: 1, ...line } },
        { type: 'AssignmentRequested', key: '78', data: { id: 2, ...line, orderId: 78 } },
      ]);
      const other = await eventually(async () => {
        const r = await assign.call('GET', '/cleanassigns/78');
        return r.status === 200 && r.body;
      });
      assert.equal(other.status, 'Assigned', 'the next request got the cleaner');
      const a = (await assign.call('GET', '/cleanassigns/77')).body;
      assert.deepEqual([a.status, a.cleanerId], ['Cancelled', null]);
    } finally {
      await assign.close();
    }
  });
});
