import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { shippingService } from '../src/service.ts';
import type { ShippingTables } from '../src/tables.ts';

describe('shipping service', () => {
  let service: BuiltService<ShippingTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;

  before(async () => {
    service = await buildService(shippingService, {
      DATA_DIR: tempDir('malltail-shipping-'),
      LOG_LEVEL: 'silent',
    });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'malltail');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('starts one shipment per OrderDeliveryStarted; arrival at the warehouse publishes ShippingCompleted once', async () => {
    const started = {
      type: 'OrderDeliveryStarted',
      key: '5',
      data: {
        id: 5,
        orderId: 5,
        itemNo: 1001,
        qty: 2,
        customerId: 'c',
        customerName: 'Kim',
        customerAddress: 'Seoul',
        phoneNumber: null,
        deliveryStatus: 'ShippingStarted',
      },
    };
    await publish(service as BuiltService<unknown>, [started, started]);
    const s = await eventually(
      async () => (await service.app.inject({ url: '/shippings?orderNo=5' })).json()._embedded.shippings[0],
    );
    assert.equal(s.shippingStatus, 'ShippingStarted');
    assert.equal(s.customerAddress, 'Seoul');
    const done = await service.app.inject({
      method: 'PATCH',
      url: `/shippings/${s.id}`,
      payload: { shippingStatus: 'ShippingCompleted' },
    });
    assert.equal(done.statusCode, 200);
    assert.equal(done.json().shippingStatus, 'ShippingCompleted');
    const again = await service.app.inject({ method: 'POST', url: `/shippings/${s.id}/complete` });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'SHIPPING.ALREADY_COMPLETED');
    assert.equal(
      (await service.app.inject({ method: 'POST', url: '/shippings/999/complete' })).statusCode,
      404,
    );
    const event = await eventually(async () => probe.seen.find((e) => e.type === 'ShippingCompleted'));
    assert.equal(event.key, '5');
    assert.equal(event.data.customerAddress, 'Seoul');
    assert.equal((await service.app.inject({ url: '/shippings' })).json().page.totalElements, 1);
  });
});
