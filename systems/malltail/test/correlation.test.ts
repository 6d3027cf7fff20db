/**
 * The order id of a malltail event whose record has no key (a generated Java producer's): from
 * the payload (orderId, the seed's orderNo, or the order's own id), never order 0 (issue 19).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CORRELATION, type EventType, orderIdOf } from '../events.ts';

const TYPES = Object.keys(CORRELATION) as EventType[];
const ORDER_IS_THE_AGGREGATE = new Set<string>(['Ordered', 'OrderCanceled', 'OrderDeliveryStarted']);

describe('malltail orderIdOf', () => {
  it('is the key when there is one', () => {
    for (const type of TYPES) assert.equal(orderIdOf({ key: '12', type, data: { orderId: 99 } }), 12);
  });

  it('comes from orderId, else orderNo, else the order’s own id, when the key is empty', () => {
    for (const type of TYPES) {
      assert.equal(orderIdOf({ key: '', type, data: { orderId: 7, orderNo: 8, id: 9 } }), 7, type);
      if (CORRELATION[type].includes('orderNo' as never)) {
        // The seed's OrderPaid / shop / delivery events name the order orderNo.
        assert.equal(orderIdOf({ key: '', type, data: { orderNo: 8, id: 9 } }), 8, type);
      }
      if (ORDER_IS_THE_AGGREGATE.has(type))
        assert.equal(orderIdOf({ key: '', type, data: { id: 9 } }), 9, type);
      else assert.throws(() => orderIdOf({ key: '', type, data: { id: 9 } }), /no order id/, type);
    }
  });

  it('never answers 0: an event naming no order is refused', () => {
    for (const type of [...TYPES, 'SomethingElse']) {
      for (const data of [{}, { orderId: 0 }, { orderNo: null }, { orderId: '' }, { orderId: -3 }]) {
        assert.throws(
          () => orderIdOf({ key: '', type, data }),
          /order id/,
          `${type} ${JSON.stringify(data)}`,
        );
      }
    }
    assert.throws(() => orderIdOf({ key: '' }), /order id/);
    assert.throws(() => orderIdOf({ key: '0' }), /not an order id/);
  });
});
