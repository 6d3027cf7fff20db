import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, handledCount, probeEvents, publish, tempDir } from '@bounded/service-kit/testing';
import { acceptOrder, cancelByCustomer, decorate, receive, rejectOrder } from '../src/domain/store-order.ts';
import { orderManagementService } from '../src/service.ts';
import type { OrderManagementTables } from '../src/tables.ts';

const line = { orderId: 5, itemName: '장미', qty: 2, itemPrice: 30000, storeName: 'KJSHOP', userName: 'LKJ' };
const code = (d: { ok: boolean; rejection?: { code: string } }) => (d.ok ? 'ok' : d.rejection?.code);

describe('StoreOrder decisions', () => {
  it('accept → decorate, announcing OrderAccepted then Decorated', () => {
    const a = acceptOrder(receive(1, line));
    assert.ok(a.ok);
    assert.equal(a.events[0]?.type, 'OrderAccepted');
    const d = decorate(a.state);
    assert.ok(d.ok);
    assert.equal(d.events[0]?.type, 'Decorated');
    assert.equal(d.events[0]?.data.orderId, 5);
  });

  it('refuses illegal transitions with stable codes', () => {
    const received = receive(1, line);
    assert.equal(code(decorate(received)), 'ORDERMANAGEMENT.NOT_ACCEPTED');
    const accepted = acceptOrder(received);
    assert.ok(accepted.ok);
    assert.equal(code(acceptOrder(accepted.state)), 'ORDERMANAGEMENT.ALREADY_ACCEPTED');
    const decorated = decorate(accepted.state);
    assert.ok(decorated.ok);
    assert.equal(code(rejectOrder(decorated.state)), 'ORDERMANAGEMENT.ALREADY_DECORATED');
    const rejected = rejectOrder(received);
    assert.ok(rejected.ok);
    assert.equal(rejected.events[0]?.type, 'OrderRejected');
    assert.equal(code(acceptOrder(rejected.state)), 'ORDERMANAGEMENT.REJECTED');
    assert.equal(cancelByCustomer(rejected.state).orderStatus, 'OrderRejected');
    assert.equal(code(acceptOrder(cancelByCustomer(received))), 'ORDERMANAGEMENT.CANCELLED');
  });
});

describe('ordermanagement service', () => {
  let service: BuiltService<OrderManagementTables>;
  let probe: Awaited<ReturnType<typeof probeEvents>>;
  const copyOf = async (orderId: number) =>
    (await service.app.inject({ url: `/ordermanagements?orderId=${orderId}` })).json()._embedded
      .ordermanagements[0];
  const paid = (orderId: number) => ({
    type: 'Paid',
    key: String(orderId),
    data: { ...line, orderId, id: 90 + orderId, paymentStatus: 'Paid' },
  });

  before(async () => {
    service = await buildService(orderManagementService, { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
    await service.start();
    probe = await probeEvents(service as BuiltService<unknown>, 'flowerdelivery');
  });
  after(async () => {
    await probe.close();
    await service.close();
  });

  it('receives a paid order once (even if Paid is delivered twice), then accept and decorate by command', async () => {
    await publish(service as BuiltService<unknown>, [paid(5), paid(5)]);
    const copy = await eventually(() => copyOf(5));
    assert.equal(copy.orderStatus, 'Received');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await service.app.inject({ url: '/ordermanagements' })).json().page.totalElements, 1);
    const early = await service.app.inject({ method: 'POST', url: `/ordermanagements/${copy.id}/decorate` });
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'ORDERMANAGEMENT.NOT_ACCEPTED');
    const accepted = await service.app.inject({ method: 'POST', url: `/ordermanagements/${copy.id}/accept` });
    assert.equal(accepted.statusCode, 200);
    assert.equal(accepted.json().orderStatus, 'OrderAccepted');
    const patched = await service.app.inject({
      method: 'PATCH',
      url: `/ordermanagements/${copy.id}`,
      payload: { orderStatus: 'Decorated' },
    });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().orderStatus, 'Decorated');
    await eventually(async () => probe.seen.some((e) => e.type === 'Decorated' && e.key === '5'));
    assert.equal(
      (
        await service.app.inject({
          method: 'PATCH',
          url: `/ordermanagements/${copy.id}`,
          payload: { orderStatus: 'Nope' },
        })
      ).statusCode,
      400,
    );
    assert.equal(
      (await service.app.inject({ method: 'POST', url: '/ordermanagements/999/accept' })).statusCode,
      404,
    );
  });

  it('rejects (OrderRejected published); a customer cancel stops the store working on it', async () => {
    await publish(service as BuiltService<unknown>, [paid(6), paid(7)]);
    const six = await eventually(() => copyOf(6));
    const rejected = await service.app.inject({ method: 'POST', url: `/ordermanagements/${six.id}/reject` });
    assert.equal(rejected.json().orderStatus, 'OrderRejected');
    await eventually(async () => probe.seen.some((e) => e.type === 'OrderRejected' && e.key === '6'));
    const seven = await eventually(() => copyOf(7));
    await publish(service as BuiltService<unknown>, [
      { type: 'OrderCancelled', key: '7', data: { orderId: 7 } },
    ]);
    await eventually(async () => (await copyOf(7)).orderStatus === 'OrderCancelled');
    const res = await service.app.inject({ method: 'POST', url: `/ordermanagements/${seven.id}/accept` });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ORDERMANAGEMENT.CANCELLED');
  });

  it('a cancel that overtakes its Paid (another publisher) leaves the copy cancelled: never accepted', async () => {
    const handled = () => handledCount(service as BuiltService<unknown>);
    const before = await handled();
    await publish(service as BuiltService<unknown>, [
      {
        type: 'OrderCancelled',
        key: '8',
        data: { ...line, orderId: 8, id: 8, orderStatus: 'OrderCancelled' },
      },
      paid(8),
    ]);
    await eventually(async () => (await handled()) === before + 2);
    const eight = await copyOf(8);
    assert.equal(eight.orderStatus, 'OrderCancelled');
    assert.equal(eight.itemName, line.itemName);
    const res = await service.app.inject({ method: 'POST', url: `/ordermanagements/${eight.id}/accept` });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().code, 'ORDERMANAGEMENT.CANCELLED');
  });
});
