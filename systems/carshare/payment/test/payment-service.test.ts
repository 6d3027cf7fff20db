/** The payment service in-process: payments and their cancellations, idempotent; the refund of an unsaved rental. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltService } from '@bounded/kernel';
import { eventually, probeEvents, publish, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { paymentService } from '../src/service.ts';

describe('payment service', () => {
  let payment: Awaited<ReturnType<typeof startInProcess>>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const service = () => payment.service as BuiltService<unknown>;
  const post = (url: string, payload: object, key: string) =>
    payment.service.app.inject({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
  const pay = (orderId: number, customerId = 'customer1') =>
    post(
      '/payments',
      { orderId, productId: '1001', qty: '1', customerId, status: 'OrderApproved' },
      `pay-${orderId}`,
    );
  const seen = (type: string, orderId: number) =>
    probe.seen.filter((e) => e.type === type && e.key === String(orderId));

  before(async () => {
    payment = await startInProcess(paymentService, { DATA_DIR: tempDir('carshare-payment-') });
    probe = await probeEvents(service(), 'carshare');
  });
  after(async () => {
    await probe.close();
    await payment.close();
  });

  it('pays once per Idempotency-Key: 201 OrderApproved, one Paid', async () => {
    const first = await pay(1);
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().status, 'OrderApproved');
    assert.equal(first.json().idempotencyKey, undefined, 'hidden');
    assert.equal((await pay(1)).json().id, first.json().id);
    await eventually(async () => seen('Paid', 1).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen('Paid', 1).length, 1);
  });

  it('cancels once: the same key, a new key, or a second request all answer the one cancellation; one PaymentCanceled', async () => {
    const paymentId = (await pay(2)).json().id;
    const first = await post('/paymentCancellations', { orderId: 2 }, 'saga-a:cancelPayment');
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.json().paymentId, paymentId);
    const sameKey = await post('/paymentCancellations', { orderId: 2 }, 'saga-a:cancelPayment');
    const newKey = await post('/paymentCancellations', { orderId: 2, paymentId }, 'saga-b:cancelPayment');
    assert.equal(sameKey.json().id, first.json().id);
    assert.equal(newKey.json().id, first.json().id);
    assert.equal((await payment.call('GET', `/payments/${paymentId}`)).body.status, 'Cancelled');
    await eventually(async () => seen('PaymentCanceled', 2).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(seen('PaymentCanceled', 2).length, 1, 'one refund');
  });

  it('refuses to cancel another rental’s or another customer’s payment (404, as missing)', async () => {
    const paymentId = (await pay(3, 'customer1')).json().id;
    for (const body of [
      { orderId: 3, customerId: 'customer2' },
      { orderId: 4, paymentId },
      { orderId: 999 },
    ]) {
      const res = await post('/paymentCancellations', body, `k-${JSON.stringify(body)}`);
      assert.equal(res.statusCode, 404, JSON.stringify(body));
      assert.equal(res.json().code, 'PAYMENT.NOT_FOUND');
    }
    assert.equal((await payment.call('GET', `/payments/${paymentId}`)).body.status, 'OrderApproved');
  });

  it('refunds a rental the order service could not save (PaymentCompensationRequested), once', async () => {
    const paymentId = (await pay(5)).json().id;
    const ask = {
      type: 'PaymentCompensationRequested',
      key: '5',
      data: { orderId: 5, paymentId, reason: 'test' },
    };
    await publish(service(), [ask, ask]);
    await eventually(
      async () => (await payment.call('GET', `/payments/${paymentId}`)).body.status === 'Cancelled',
    );
    await eventually(async () => seen('PaymentCanceled', 5).length === 1);
    assert.equal(seen('PaymentCanceled', 5)[0]!.data.reason, 'OrderNotSaved');
    const later = await post('/paymentCancellations', { orderId: 5 }, 'late');
    assert.equal(later.statusCode, 409);
    assert.equal(later.json().code, 'PAYMENT.ALREADY_CANCELLED');
  });

  it('bad input → 400', async () => {
    for (const body of [
      {},
      { orderId: 1 },
      { orderId: 'one', productId: 1 },
      { orderId: 1, productId: 1, qty: 0 },
    ]) {
      assert.equal((await payment.call('POST', '/payments', body)).status, 400, JSON.stringify(body));
    }
    assert.equal((await payment.call('POST', '/paymentCancellations', { orderId: -3 })).status, 400);
  });
});
