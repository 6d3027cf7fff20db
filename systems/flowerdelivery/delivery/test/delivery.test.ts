import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, handledCount, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { cancelDelivery, completeDelivery, request, startDelivery } from '../src/domain/delivery.ts';
import { deliveryService } from '../src/service.ts';
import type { DeliveryTables } from '../src/tables.ts';

const line = { orderId: 5, itemName: '장미', qty: 2, itemPrice: 30000, storeName: 'KJSHOP', userName: 'LKJ' };
const code = (d: { ok: boolean; rejection?: { code: string } }) => (d.ok ? 'ok' : d.rejection?.code);

describe('Delivery decisions', () => {
  it('start → complete; cancel only before the start', () => {
    const requested = request(1, line);
    assert.equal(code(completeDelivery(requested)), 'DELIVERY.NOT_STARTED');
    const started = startDelivery(requested);
    assert.ok(started.ok);
    assert.equal(started.events[0]?.type, 'DeliveryStarted');
    assert.equal(code(startDelivery(started.state)), 'DELIVERY.ALREADY_STARTED');
    assert.equal(code(cancelDelivery(started.state)), 'DELIVERY.NOT_CANCELLABLE');
    const done = completeDelivery(started.state);
    assert.ok(done.ok);
    assert.equal(done.events[0]?.type, 'DeliveryCompleted');
    assert.equal(code(startDelivery(done.state)), 'DELIVERY.ALREADY_COMPLETED');
    const cancelled = cancelDelivery(requested);
    assert.ok(cancelled.ok);
    assert.equal(cancelled.events[0]?.type, 'DeliveryCancelled');
    assert.equal(code(startDelivery(cancelled.state)), 'DELIVERY.CANCELLED');
  });
});

describe('delivery service', () => {
  let service: BuiltService<DeliveryTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const deliveryOf = async (orderId: number) =>
    (await service.app.inject({ url: `/deliveries?orderId=${orderId}` })).json()._embedded.deliveries[0];
  const decorated = (orderId: number) => ({
    type: 'Decorated',
    key: String(orderId),
    data: { ...line, orderId, id: 1, orderStatus: 'Decorated' },
  });

  before(async () => {
    service = await buildService(deliveryService, { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'flowerdelivery');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('requests one delivery per decorated order; the rider starts and completes it', async () => {
    await publish(service as BuiltService<unknown>, [decorated(5), decorated(5)]);
    const d = await eventually(() => deliveryOf(5));
    assert.equal(d.deliveryStatus, 'DeliveryRequested');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await service.app.inject({ url: '/deliveries' })).json().page.totalElements, 1);
    const early = await service.app.inject({ method: 'POST', url: `/deliveries/${d.id}/complete` });
    assert.equal(early.statusCode, 409);
    assert.equal(
      (await service.app.inject({ method: 'POST', url: `/deliveries/${d.id}/start` })).json().deliveryStatus,
      'DeliveryStarted',
    );
    const done = await service.app.inject({
      method: 'PATCH',
      url: `/deliveries/${d.id}`,
      payload: { deliveryStatus: 'DeliveryCompleted' },
    });
    assert.equal(done.json().deliveryStatus, 'DeliveryCompleted');
    await eventually(async () => probe.seen.some((e) => e.type === 'DeliveryCompleted' && e.key === '5'));
    assert.equal(
      (await service.app.inject({ method: 'POST', url: '/deliveries/999/start' })).statusCode,
      404,
    );
  });

  it('cancels a requested delivery when the order is cancelled, not a started one', async () => {
    await publish(service as BuiltService<unknown>, [decorated(6), decorated(7)]);
    const seven = await eventually(() => deliveryOf(7));
    await service.app.inject({ method: 'POST', url: `/deliveries/${seven.id}/start` });
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCancelled', key: '6', data: { orderId: 6 } },
      { type: 'OrderCancelled', key: '7', data: { orderId: 7 } },
    ]);
    await eventually(async () => (await deliveryOf(6)).deliveryStatus === 'DeliveryCancelled');
    await eventually(async () => probe.seen.some((e) => e.type === 'DeliveryCancelled' && e.key === '6'));
    assert.equal((await deliveryOf(7)).deliveryStatus, 'DeliveryStarted');
  });

  it('requests nothing for an order cancelled before the store decorated it (Decorated after the cancel)', async () => {
    const handled = () => handledCount(service as BuiltService<unknown>);
    const before = await handled();
    // One key, one partition: each order's cancel is handled before its late Decorated.
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCancelled', key: '8', data: { orderId: 8 } },
      decorated(8),
      { type: 'PaymentCancelled', key: '9', data: { orderId: 9, paymentStatus: 'Refunded' } },
      decorated(9),
    ]);
    await eventually(async () => (await handled()) === before + 4);
    assert.equal(await deliveryOf(8), undefined);
    assert.equal(await deliveryOf(9), undefined);
    assert.ok(!probe.seen.some((e) => e.type === 'DeliveryCancelled' && (e.key === '8' || e.key === '9')));
  });
});
