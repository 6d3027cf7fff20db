/**
 * cleancall alone, with a stand-in cleanmanage on a real port: the sync registration (its
 * idempotency key, 503 + Retry-After and nothing kept when it fails), the compensation when the
 * request cannot be saved after operations registered it, and the customer's cancel.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import {
  asUser,
  eventually,
  type FakeDependency,
  fakeDependency,
  probeEvents,
  tempDir,
} from '@bounded/service-kit/testing';
import { cleanCallService } from '../src/service.ts';
import type { CleanCallTables } from '../src/tables.ts';

const BODY = { tel: '01023221353', location: 'seoul', cost: 200000 };

describe('cleancall service', () => {
  let service: BuiltService<CleanCallTables>;
  let manage: FakeDependency;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = {}) =>
    service.app.inject({ method, url, payload, headers });
  const total = async () => (await inject('GET', '/cleancalls')).json().page.totalElements as number;

  before(async () => {
    manage = await fakeDependency((body, id) => ({ ...body, id, status: 'Requested' }));
    service = await buildService(cleanCallService, {
      DATA_DIR: tempDir('cleaning-cleancall-'),
      LOG_LEVEL: 'silent',
      CLEANMANAGE_URL: manage.url,
      CLEANMANAGE_TIMEOUT_MS: '3000', // generous: the first call loads the HTTP client, on a busy machine
      CLEANMANAGE_BREAKER_FAILURES: '2',
      CLEANMANAGE_HALF_OPEN_MS: '400',
    });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'cleaning');
  });
  after(async () => {
    await probe.close();
    await service.close();
    await manage.close();
  });

  it('registers with operations (request id, Idempotency-Key), saves the request, announces CleanCalled', async () => {
    const res = await inject(
      'POST',
      '/cleancalls',
      { ...BODY, status: 'Completed', id: 99 },
      asUser('customer1'),
    );
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(body.status, 'Requested', 'server-owned fields ignored');
    assert.notEqual(body.id, 99);
    assert.equal(res.headers.location, body._links.self.href);
    const call = manage.requests.at(-1)!;
    assert.equal(call.body.orderId, body.id);
    assert.equal(call.body.customerId, 'customer1');
    assert.ok(call.headers['idempotency-key']);
    const event = await eventually(async () =>
      probe.seen.find((e) => e.type === 'CleanCalled' && e.key === String(body.id)),
    );
    assert.equal(event.data.location, 'seoul');
  });

  it('a customer cannot request for someone else (403); a direct call may name the customer', async () => {
    const res = await inject(
      'POST',
      '/cleancalls',
      { ...BODY, customerId: 'customer2' },
      asUser('customer1'),
    );
    assert.equal(res.statusCode, 403);
    const direct = await inject('POST', '/cleancalls', { ...BODY, customerId: 'customer2' });
    assert.equal(direct.json().customerId, 'customer2');
  });

  it('cleanmanage failing: 503 + Retry-After, nothing kept; the breaker then answers at once', async () => {
    const before = await total();
    manage.mode = 'fail';
    try {
      for (let i = 0; i < 3; i++) {
        const res = await inject('POST', '/cleancalls', BODY);
        assert.equal(res.statusCode, 503);
        assert.ok(Number(res.headers['retry-after']) >= 1);
      }
      assert.equal((await inject('POST', '/cleancalls', BODY)).json().code, 'DEPENDENCY.CIRCUIT_OPEN');
      assert.equal(await total(), before);
    } finally {
      manage.mode = 'ok';
    }
    await eventually(async () => (await inject('POST', '/cleancalls', BODY)).statusCode === 201, 10_000);
  });

  it('cancel: 204 and the request stays, Cancelled; again → 409; another customer → 404', async () => {
    const id = (await inject('POST', '/cleancalls', BODY, asUser('customer1'))).json().id;
    assert.equal(
      (await inject('DELETE', `/cleancalls/${id}`, undefined, asUser('customer2'))).statusCode,
      404,
    );
    assert.equal(
      (await inject('DELETE', `/cleancalls/${id}`, undefined, asUser('customer1'))).statusCode,
      204,
    );
    assert.equal((await inject('GET', `/cleancalls/${id}`)).json().status, 'Cancelled');
    const again = await inject('DELETE', `/cleancalls/${id}`, undefined, asUser('customer1'));
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'CLEANCALL.ALREADY_CANCELLED');
    await eventually(async () =>
      probe.seen.some((e) => e.type === 'CleanCallCancelled' && e.key === String(id)),
    );
  });
  it('registered but not saved: 503, and CleanCallWithdrawn asks operations to withdraw it', async () => {
    // Take the rest of the current id block (1–100) out from under the command: its insert then
    // fails on the primary key.
    for (let id = 1; id <= 100; id++) {
      await service.context.store.db
        .insertInto('clean_calls')
        .values({
          id,
          ...BODY,
          customerId: null,
          status: 'Requested',
          cleanerName: null,
          cleanerTel: null,
          createdAt: 'x',
          updatedAt: 'x',
        })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const res = await inject('POST', '/cleancalls', BODY);
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().code, 'CLEANCALL.NOT_SAVED');
    const orderId = manage.requests.at(-1)!.body.orderId;
    const withdrawn = await eventually(async () =>
      probe.seen.find((e) => e.type === 'CleanCallWithdrawn' && e.key === String(orderId)),
    );
    assert.equal(typeof withdrawn.data.manageId, 'number');
  });
});
