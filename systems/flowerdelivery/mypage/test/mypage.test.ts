import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type BuiltService, buildService } from '@bounded/kernel';
import { ADMIN, asUser, eventually, publish, tempDir } from '@bounded/service-kit/testing';
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

describe('mypage service behind the gateway: a customer sees only their own rows', () => {
  let service: BuiltService<MyPageTables>;
  const c1 = asUser('customer1');
  const c2 = asUser('customer2');
  const get = (url: string, headers: Record<string, string>) => service.app.inject({ url, headers });
  const orderIds = async (url: string, headers: Record<string, string>) =>
    (await get(url, headers))
      .json()
      ._embedded.myPages.map((r: { orderId: number }) => r.orderId)
      .sort() as number[];

  before(async () => {
    service = await buildService(myPageService, { DATA_DIR: tempDir(), LOG_LEVEL: 'silent' });
    await service.start();
    const ordered = (id: number, userName: string) => ({
      type: 'Ordered',
      key: String(id),
      data: { id, orderId: id, ...line, userName, orderStatus: 'Ordered' },
    });
    await publish(service as BuiltService<unknown>, [
      ordered(1, 'customer1'),
      ordered(2, 'customer2'),
      ordered(3, 'customer1'),
    ]);
    await eventually(async () => (await get('/myPages', {})).json().page.totalElements === 3);
  });
  after(() => service.close());

  it("lists only the caller's rows (count included); ?userName= cannot widen it", async () => {
    assert.deepEqual(await orderIds('/myPages', c1), [1, 3]);
    assert.deepEqual(await orderIds('/myPages', c2), [2]);
    assert.equal((await get('/myPages', c1)).json().page.totalElements, 2);
    assert.deepEqual(await orderIds('/myPages?userName=customer1', c2), []);
    assert.deepEqual(await orderIds('/myPages?orderId=1', c2), []);
  });

  it("answers another customer's row like a missing one (404)", async () => {
    const row = (await get('/myPages?orderId=1', c1)).json()._embedded.myPages[0];
    assert.equal((await get(`/myPages/${row.id}`, c1)).statusCode, 200);
    const other = await get(`/myPages/${row.id}`, c2);
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'MYPAGE.NOT_FOUND');
  });

  it('shows every row to an admin and to a direct call without identity headers', async () => {
    assert.deepEqual(await orderIds('/myPages', ADMIN), [1, 2, 3]);
    assert.deepEqual(await orderIds('/myPages', {}), [1, 2, 3]);
    const row = (await get('/myPages?orderId=2', {})).json()._embedded.myPages[0];
    assert.equal((await get(`/myPages/${row.id}`, ADMIN)).statusCode, 200);
  });
});
