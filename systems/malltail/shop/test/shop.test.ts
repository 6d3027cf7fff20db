import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import {
  acceptOrder,
  cancelByCustomer,
  rejectOrder,
  type ShopManagement,
} from '../src/domain/shop-management.ts';
import { shopService } from '../src/service.ts';
import type { ShopTables } from '../src/tables.ts';

const ready: ShopManagement = {
  id: 1,
  orderNo: 7,
  itemNo: 1001,
  qty: 1,
  customerId: 'c',
  deliveryStatus: 'Ready',
};

describe('ShopManagement (domain)', () => {
  it('accepts or rejects a Ready order once; a cancelled one neither', () => {
    const accepted = acceptOrder(ready);
    assert.ok(accepted.ok);
    assert.equal(accepted.events[0]!.type, 'OrderAccepted');
    assert.equal(rejectOrder(accepted.state).ok, false);
    const rejected = rejectOrder(ready);
    assert.ok(rejected.ok);
    assert.equal(rejected.events[0]!.type, 'OrderRejected');
    const canceled = cancelByCustomer(ready);
    const refused = acceptOrder(canceled);
    assert.ok(!refused.ok);
    assert.equal(refused.rejection.code, 'SHOP.ORDER_CANCELED');
    assert.equal(cancelByCustomer(rejected.state).deliveryStatus, 'Rejected');
  });
});

describe('shop service', () => {
  let service: BuiltService<ShopTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const copyOf = async (orderNo: number) =>
    (await service.app.inject({ url: `/shopManagements?orderNo=${orderNo}` })).json()._embedded
      .shopManagements[0];

  before(async () => {
    service = await buildService(shopService, { DATA_DIR: tempDir('malltail-shop-'), LOG_LEVEL: 'silent' });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'malltail');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('receives each paid order once as Ready; accept (POST) and reject (PATCH) publish events; cancels show', async () => {
    const paid = (orderNo: number) => ({
      type: 'OrderPaid',
      key: String(orderNo),
      data: {
        id: orderNo,
        orderId: orderNo,
        orderNo,
        itemNo: 1001,
        qty: 1,
        customerId: 'c',
        paystatus: 'Paid',
      },
    });
    await publish(service as BuiltService<unknown>, [paid(1), paid(1), paid(2), paid(3)]);
    const one = await eventually(() => copyOf(1));
    assert.equal(one.deliveryStatus, 'Ready');
    const acc = await service.app.inject({ method: 'POST', url: `/shopManagements/${one.id}/accept` });
    assert.equal(acc.statusCode, 200);
    assert.equal(acc.json().deliveryStatus, 'Accepted');
    const two = await eventually(() => copyOf(2));
    const rej = await service.app.inject({
      method: 'PATCH',
      url: `/shopManagements/${two.id}`,
      payload: { deliveryStatus: 'Rejected' },
    });
    assert.equal(rej.json().deliveryStatus, 'Rejected');
    const twice = await service.app.inject({ method: 'POST', url: `/shopManagements/${two.id}/accept` });
    assert.equal(twice.statusCode, 409);
    assert.equal(
      (
        await service.app.inject({
          method: 'PATCH',
          url: `/shopManagements/${two.id}`,
          payload: { deliveryStatus: 'x' },
        })
      ).statusCode,
      400,
    );
    assert.equal(
      (await service.app.inject({ method: 'POST', url: '/shopManagements/999/accept' })).statusCode,
      404,
    );
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderAccepted' && e.key === '1'));
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderRejected' && e.key === '2'));
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCanceled', key: '3', data: { orderId: 3 } },
    ]);
    await eventually(async () => (await copyOf(3))?.deliveryStatus === 'Canceled');
    assert.equal((await service.app.inject({ url: '/shopManagements' })).json().page.totalElements, 3);
  });

  it('a cancel that overtakes the paid order (another publisher) leaves the copy cancelled, never Ready', async () => {
    const line = { orderId: 40, itemNo: 1001, qty: 2, customerId: 'c40' };
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCanceled', key: '40', data: { ...line, id: 40, orderStatus: 'Canceled' } },
      { type: 'OrderPaid', key: '40', data: { ...line, id: 400, orderNo: 40, paystatus: 'Paid' } },
      // On the same key (partition), after the two: once it shows, both were handled.
      {
        type: 'OrderPaid',
        key: '40',
        data: { ...line, orderId: 41, id: 401, orderNo: 41, paystatus: 'Paid' },
      },
    ]);
    await eventually(async () => (await copyOf(41))?.deliveryStatus === 'Ready');
    const copy = await copyOf(40);
    assert.equal(copy.deliveryStatus, 'Canceled');
    assert.equal(copy.qty, 2);
    const accept = await service.app.inject({ method: 'POST', url: `/shopManagements/${copy.id}/accept` });
    assert.equal(accept.statusCode, 409, 'a cancelled order cannot be accepted');
  });
});
