/** The customerpage service in-process: rows built from events only; a customer sees their own. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuiltService } from '@bounded/kernel';
import { asUser, eventually, publish, startInProcess, tempDir } from '@bounded/service-kit/testing';
import { customerpageService } from '../src/service.ts';

describe('customerpage service', () => {
  let page: Awaited<ReturnType<typeof startInProcess>>;
  const get = (url: string, headers: Record<string, string> = {}) =>
    page.service.app.inject({ method: 'GET', url, headers });

  before(async () => {
    page = await startInProcess(customerpageService, { DATA_DIR: tempDir('carshare-customerpage-') });
  });
  after(async () => {
    await page.close();
  });

  it('builds each rental’s row from the events, in any order, and shows a customer only their own', async () => {
    const rental = (orderId: number, customerId: string) => ({
      orderId,
      productId: 1001,
      qty: 1,
      customerId,
    });
    await publish(page.service as BuiltService<unknown>, [
      {
        type: 'Shipped',
        key: '1',
        data: { id: 11, paymentId: 21, status: 'Shipped', ...rental(1, 'customer1') },
      },
      {
        type: 'Ordered',
        key: '1',
        data: { id: 1, paymentId: 21, status: 'ordered', ...rental(1, 'customer1') },
      },
      {
        type: 'Ordered',
        key: '2',
        data: { id: 2, paymentId: 22, status: 'ordered', ...rental(2, 'customer2') },
      },
    ]);
    const row = await eventually(async () => {
      const r = (await get('/customerpages?orderId=1')).json()._embedded.customerpages[0];
      return r?.status === 'shipped' && r.paymentId === 21 ? r : undefined;
    });
    assert.equal(row.deliveryStatus, 'Shipped');
    assert.equal(row.history, 'Shipped,Ordered');
    await eventually(async () => (await get('/customerpages')).json().page.totalElements === 2);
    const mine = (await get('/customerpages', asUser('customer1'))).json()._embedded.customerpages;
    assert.deepEqual(
      mine.map((r: { orderId: number }) => r.orderId),
      [1],
    );
    assert.equal((await get(`/customerpages/${row.id}`, asUser('customer2'))).statusCode, 404);
    const all = (await get('/customerpages', asUser('operator1', 'operator'))).json();
    assert.equal(all.page.totalElements, 2);
  });
});
