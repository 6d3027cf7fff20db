import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { payService } from '../src/service.ts';
import type { PayTables } from '../src/tables.ts';

describe('pay service', () => {
  let service: BuiltService<PayTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const pay = (payload: object, key = `k-${Math.random()}`) =>
    service.app.inject({ method: 'POST', url: '/payments', payload, headers: { 'idempotency-key': key } });
  const statusOf = async (orderNo: number) =>
    (await service.app.inject({ url: `/payments?orderNo=${orderNo}` })).json()._embedded.payments[0]
      ?.paystatus;

  before(async () => {
    service = await buildService(payService, { DATA_DIR: tempDir('malltail-pay-'), LOG_LEVEL: 'silent' });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'malltail');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('pays once per Idempotency-Key (201 + Location, OrderPaid); bad input is 400', async () => {
    const first = await pay({ orderNo: 1, itemNo: 1001, paystatus: 'Refunded' }, 'same');
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().paystatus, 'Paid');
    assert.equal(first.headers.location, first.json()._links.self.href);
    const again = await pay({ orderNo: 1, itemNo: 1001 }, 'same');
    assert.equal(again.json().id, first.json().id);
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderPaid' && e.key === '1'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(probe.seen.filter((e) => e.type === 'OrderPaid').length, 1);
    assert.equal((await pay({ orderNo: 'x', itemNo: 1 })).statusCode, 400);
    assert.equal((await service.app.inject({ url: '/payments/999' })).statusCode, 404);
  });

  it('refunds on a customer cancel and a shop rejection, once; never on a customs rejection', async () => {
    for (const orderNo of [2, 3, 4]) await pay({ orderNo, itemNo: 1001 });
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCanceled', key: '2', data: { orderId: 2 } },
      { type: 'OrderCanceled', key: '2', data: { orderId: 2 } },
      { type: 'OrderRejected', key: '3', data: { orderId: 3 } },
      { type: 'CustomsRejected', key: '4', data: { orderId: 4 } },
    ]);
    await eventually(async () => (await statusOf(2)) === 'Refunded' && (await statusOf(3)) === 'Refunded');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await statusOf(4), 'Paid');
    assert.equal(probe.seen.filter((e) => e.type === 'PaymentCanceled' && e.key === '2').length, 1);
  });
});
