import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { pay, refund } from '../src/domain/payment.ts';
import { paymentService } from '../src/service.ts';
import type { PaymentTables } from '../src/tables.ts';

const line = {
  orderId: 7,
  itemName: '안개꽃한다발',
  qty: 1,
  itemPrice: 20000,
  storeName: '분당꽃배달',
  userName: '이기정',
};

describe('Payment decisions', () => {
  it('pays and announces Paid; refunds once, then refuses', () => {
    const paid = pay(3, line);
    assert.ok(paid.ok);
    assert.deepEqual(paid.events, [{ type: 'Paid', data: { ...line, id: 3, paymentStatus: 'Paid' } }]);
    const refunded = refund(paid.state, 'OrderRejected');
    assert.ok(refunded.ok);
    assert.equal(refunded.state.paymentStatus, 'Refunded');
    assert.equal(refunded.events[0]?.type, 'PaymentCancelled');
    const again = refund(refunded.state, 'OrderCancelled');
    assert.ok(!again.ok);
    assert.equal(again.rejection.code, 'PAYMENT.ALREADY_REFUNDED');
  });
});

describe('payment service', () => {
  let service: BuiltService<PaymentTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const payOnce = (key: string, body: object = line) =>
    service.app.inject({
      method: 'POST',
      url: '/payments',
      payload: body,
      headers: { 'idempotency-key': key },
    });

  before(async () => {
    service = await buildService(paymentService, { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'flowerdelivery');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('is idempotent on the Idempotency-Key: the same key returns the same payment and one Paid', async () => {
    const first = await payOnce('k-1');
    assert.equal(first.statusCode, 201);
    const second = await payOnce('k-1');
    assert.equal(second.json().id, first.json().id);
    assert.equal((await payOnce('k-2', { ...line, orderId: 8 })).json().id, first.json().id + 1);
    await eventually(async () => probe.seen.filter((e) => e.type === 'Paid').length === 2);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(probe.seen.filter((e) => e.type === 'Paid' && e.key === '7').length, 1);
    assert.equal((await service.app.inject({ url: '/payments' })).json().page.totalElements, 2);
    assert.equal((await payOnce('k-3', { ...line, qty: 0 })).statusCode, 400);
  });

  it('refunds on OrderCancelled / OrderRejected / compensation, once, announcing PaymentCancelled', async () => {
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCancelled', key: '7', data: { orderId: 7 } },
      { type: 'OrderCancelled', key: '7', data: { orderId: 7 } },
    ]);
    const cancelled = await eventually(async () =>
      probe.seen.find((e) => e.type === 'PaymentCancelled' && e.key === '7'),
    );
    assert.equal(cancelled.data.reason, 'OrderCancelled');
    const id8 = (await service.app.inject({ url: '/payments' })).json()._embedded.payments[1].id;
    await publish(service as BuiltService<unknown>, [
      { type: 'PaymentCompensationRequested', key: '8', data: { orderId: 8, paymentId: id8, reason: 'x' } },
    ]);
    await eventually(
      async () => (await service.app.inject({ url: `/payments/${id8}` })).json().paymentStatus === 'Refunded',
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(probe.seen.filter((e) => e.type === 'PaymentCancelled' && e.key === '7').length, 1);
  });

  it('can be told to fail (PAYMENT_FAIL) for drills: 503', async () => {
    const failing = await buildService(paymentService, {
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      PAYMENT_FAIL: 'true',
    });
    try {
      const res = await failing.app.inject({ method: 'POST', url: '/payments', payload: line });
      assert.equal(res.statusCode, 503);
    } finally {
      await failing.close();
    }
  });
});
