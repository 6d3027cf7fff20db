import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { approveCustoms, completeDelivery, type Delivery, rejectCustoms } from '../src/domain/delivery.ts';
import { deliveryService } from '../src/service.ts';
import type { DeliveryTables } from '../src/tables.ts';

const pending: Delivery = {
  id: 1,
  orderNo: 7,
  itemNo: 1001,
  qty: 1,
  customerId: 'c',
  customerName: null,
  customerAddress: null,
  phoneNumber: null,
  deliveryStatus: 'CustomsPending',
};

describe('Delivery (domain)', () => {
  it('customs decides once; only a cleared parcel is delivered; a disposed one never', () => {
    assert.equal(completeDelivery(pending).ok, false);
    const approved = approveCustoms(pending);
    assert.ok(approved.ok);
    assert.equal(rejectCustoms(approved.state).ok, false);
    const done = completeDelivery(approved.state);
    assert.ok(done.ok);
    assert.equal(done.events[0]!.type, 'DeliveryCompleted');
    const disposed = rejectCustoms(pending);
    assert.ok(disposed.ok);
    assert.equal(disposed.state.deliveryStatus, 'Disposed');
    const refused = completeDelivery(disposed.state);
    assert.ok(!refused.ok);
    assert.equal(refused.rejection.code, 'DELIVERY.DISPOSED');
  });
});

describe('delivery service', () => {
  let service: BuiltService<DeliveryTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const of = async (orderNo: number) =>
    (await service.app.inject({ url: `/deliveries?orderNo=${orderNo}` })).json()._embedded.deliveries[0];
  const act = (id: number, action: string) =>
    service.app.inject({ method: 'POST', url: `/deliveries/${id}/${action}` });

  before(async () => {
    service = await buildService(deliveryService, {
      DATA_DIR: tempDir('malltail-delivery-'),
      LOG_LEVEL: 'silent',
    });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'malltail');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('adds each shipped parcel to the customs list; approve → complete, reject → disposed', async () => {
    const shipped = (orderNo: number) => ({
      type: 'ShippingCompleted',
      key: String(orderNo),
      data: {
        id: orderNo,
        orderId: orderNo,
        orderNo,
        itemNo: 1001,
        qty: 1,
        customerId: 'c',
        customerName: null,
        customerAddress: 'Seoul',
        phoneNumber: null,
        shippingStatus: 'ShippingCompleted',
      },
    });
    await publish(service as BuiltService<unknown>, [shipped(1), shipped(1), shipped(2)]);
    const one = await eventually(() => of(1));
    assert.equal(one.deliveryStatus, 'CustomsPending');
    assert.equal((await act(one.id, 'complete')).statusCode, 409);
    assert.equal((await act(one.id, 'approve')).json().deliveryStatus, 'CustomsApproved');
    const done = await service.app.inject({
      method: 'PATCH',
      url: `/deliveries/${one.id}`,
      payload: { deliveryStatus: 'DeliveryCompleted' },
    });
    assert.equal(done.json().deliveryStatus, 'DeliveryCompleted');
    const two = await eventually(() => of(2));
    assert.equal((await act(two.id, 'reject')).json().deliveryStatus, 'Disposed');
    assert.equal((await act(999, 'approve')).statusCode, 404);
    await eventually(async () =>
      ['CustomsApproved', 'DeliveryCompleted', 'CustomsRejected'].every((t) =>
        probe.seen.some((e) => e.type === t),
      ),
    );
    assert.equal((await service.app.inject({ url: '/deliveries' })).json().page.totalElements, 2);
  });
});
