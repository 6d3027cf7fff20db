import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { ADMIN, asUser, eventually, publish, tempDir } from '@bounded/service-kit/testing';
import { viewPageService } from '../src/service.ts';
import type { ViewPageTables } from '../src/tables.ts';
import { emptyStatusView, project } from '../src/views/status-view.ts';

describe('StatusView (projection)', () => {
  it('moves each status forward only, in any order of arrival', () => {
    let row = emptyStatusView(1);
    row = project(row, 'OrderDeliveryStarted', {});
    row = project(row, 'Ordered', { customerId: 'c', itemNo: 1001, qty: 1 });
    row = project(row, 'OrderPaid', {});
    row = project(row, 'OrderAccepted', {});
    assert.equal(row.shopStatus, 'Accepted');
    assert.equal(row.shippingStatus, 'ShippingStarted');
    assert.equal(row.orderStatus, 'Ordered');
    row = project(row, 'CustomsRejected', {});
    assert.equal(row.orderStatus, 'Canceled');
    assert.equal(row.deliveryStatus, 'Disposed');
    assert.equal(row.paystatus, 'Paid');
    assert.equal(row.customerId, 'c');
  });

  it('a shop rejection racing a customer cancel ends as the order and the shop decided, in either arrival order', () => {
    // The cancel won at the order (it emitted OrderCanceled; the rejection reached it too late),
    // and the shop had rejected before the cancel reached it (it keeps its copy rejected).
    for (const [first, second] of [
      ['OrderRejected', 'OrderCanceled'],
      ['OrderCanceled', 'OrderRejected'],
    ]) {
      let row = project(emptyStatusView(2), 'Ordered', { customerId: 'c', itemNo: 1001, qty: 1 });
      row = project(row, 'OrderPaid', {});
      row = project(row, first, {});
      row = project(row, second, {});
      assert.equal(row.orderStatus, 'Canceled', `${first} then ${second}: the order's status`);
      assert.equal(row.shopStatus, 'Rejected', `${first} then ${second}: the shop's status`);
    }
  });
});

describe('viewpage service', () => {
  let service: BuiltService<ViewPageTables>;
  const list = async (headers: Record<string, string> = {}) =>
    (await service.app.inject({ url: '/statusViews?size=100', headers })).json()._embedded
      .statusViews as Array<{
      id: number;
      orderNo: number;
      customerId: string;
      orderStatus: string;
      paystatus: string;
    }>;

  before(async () => {
    service = await buildService(viewPageService, {
      DATA_DIR: tempDir('malltail-view-'),
      LOG_LEVEL: 'silent',
    });
    await service.start();
  });
  after(async () => service.close());

  it("builds rows from events only; a customer sees only their own rows (another's is 404); admin and direct see all", async () => {
    await publish(service as BuiltService<unknown>, [
      { type: 'Ordered', key: '1', data: { orderId: 1, customerId: 'customer1', itemNo: 1001, qty: 1 } },
      { type: 'OrderPaid', key: '1', data: { orderId: 1 } },
      { type: 'Ordered', key: '2', data: { orderId: 2, customerId: 'customer2', itemNo: 1002, qty: 1 } },
      { type: 'OrderCanceled', key: '2', data: { orderId: 2 } },
      { type: 'PaymentCanceled', key: '2', data: { orderId: 2 } },
    ]);
    await eventually(async () => (await list()).find((r) => r.orderNo === 2)?.paystatus === 'Refunded');
    const mine = await list(asUser('customer1'));
    assert.deepEqual(
      mine.map((r) => r.orderNo),
      [1],
    );
    assert.equal(mine[0]!.paystatus, 'Paid');
    const theirs = (await list()).find((r) => r.orderNo === 2)!;
    assert.equal(theirs.orderStatus, 'Canceled');
    assert.equal(
      (await service.app.inject({ url: `/statusViews/${theirs.id}`, headers: asUser('customer1') }))
        .statusCode,
      404,
    );
    assert.equal((await list(ADMIN)).length, 2);
    assert.equal((await service.app.inject({ url: '/statusViews/abc' })).statusCode, 400);
  });
});
