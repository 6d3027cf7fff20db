import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { eventually, publish, tempDir } from '../../test/helpers.ts';
import { myPageService } from '../src/service.ts';
import type { MyPageTables } from '../src/tables.ts';
import { emptyMyPage, project } from '../src/views/my-page.ts';

const line = { itemName: '장미', qty: 2, itemPrice: 30000, storeName: 'KJSHOP', userName: 'LKJ' };

describe('MyPage projection', () => {
  it('fills the seed fields and moves statuses forward only, whatever the arrival order', () => {
    let row = project(emptyMyPage(3), 'OrderAccepted', { orderId: 3, ...line });
    row = project(row, 'Paid', { orderId: 3, ...line });
    row = project(row, 'Ordered', { id: 3, ...line });
    assert.equal(row.orderStatus, 'OrderAccepted');
    assert.equal(row.orderQty, 2);
    assert.equal(row.paymentStatus, 'Paid');
    row = project(row, 'Decorated', { orderId: 3 });
    assert.equal(row.deliveryStatus, 'DeliveryRequested');
    row = project(project(row, 'DeliveryStarted', {}), 'Decorated', {});
    assert.equal(row.deliveryStatus, 'DeliveryStarted');
    row = project(project(row, 'OrderCancelled', {}), 'OrderAccepted', {});
    assert.equal(row.orderStatus, 'OrderCancelled');
    assert.equal(project(row, 'PaymentCancelled', {}).paymentStatus, 'Refunded');
  });
});

describe('mypage service', () => {
  let service: BuiltService<MyPageTables>;
  before(async () => {
    service = await buildService(myPageService, { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
    await service.start();
  });
  after(() => service.close());

  it('builds one row per order from events only, lazily and idempotently, served as a HAL collection', async () => {
    await publish(service as BuiltService<unknown>, [
      { type: 'Paid', key: '1', data: { orderId: 1, id: 10, ...line, paymentStatus: 'Paid' } },
      { type: 'Ordered', key: '1', data: { id: 1, orderId: 1, ...line, orderStatus: 'Ordered' } },
      { type: 'OrderAccepted', key: '1', data: { orderId: 1, ...line } },
      { type: 'OrderAccepted', key: '1', data: { orderId: 1, ...line } },
      {
        type: 'Ordered',
        key: '2',
        data: { id: 2, orderId: 2, ...line, userName: 'KIM', orderStatus: 'Ordered' },
      },
    ]);
    const list = await eventually(async () => {
      const body = (await service.app.inject({ url: '/myPages' })).json();
      return (
        body.page.totalElements === 2 && body._embedded.myPages[0].orderStatus === 'OrderAccepted' && body
      );
    });
    const first = list._embedded.myPages[0];
    assert.equal(first.orderId, 1);
    assert.equal(first.orderQty, 2);
    assert.equal(first.userName, 'LKJ');
    assert.match(first._links.myPage.href, /\/myPages\/\d+$/);
    assert.ok(list._links.profile);
    const one = await service.app.inject({ url: `/myPages/${first.id}` });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().itemName, '장미');
    const kim = (await service.app.inject({ url: '/myPages?userName=KIM' })).json();
    assert.equal(kim.page.totalElements, 1);
    const paged = (await service.app.inject({ url: '/myPages?size=1&page=1' })).json();
    assert.equal(paged._embedded.myPages[0].orderId, 2);
    assert.equal((await service.app.inject({ url: '/myPages/999' })).statusCode, 404);
    assert.equal((await service.app.inject({ url: '/myPages?size=0' })).statusCode, 400);
  });
});
