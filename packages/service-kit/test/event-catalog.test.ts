import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventCatalog, MissingCorrelationError } from '../src/index.ts';

interface Payloads {
  Ordered: { id: number; orderId: number; qty: number };
  Shipped: { id: number; orderId: number };
}

describe('an event catalog', () => {
  const catalog = eventCatalog<Payloads>({
    key: 'orderId',
    name: 'order id',
    correlation: { Ordered: ['orderId', 'id'] },
    read: (data) => ({ qty: 1, ...data }),
  });

  it('keys a decided event by its correlation id', () => {
    const event = catalog.toNewEvent({ type: 'Shipped', data: { id: 9, orderId: 4 } });
    assert.deepEqual(event, { type: 'Shipped', key: '4', data: { id: 9, orderId: 4 } });
  });

  it('reads the id from the key, else from the payload fields declared for the type', () => {
    assert.equal(catalog.idOf({ key: '7', type: 'Shipped', data: {} }), 7);
    assert.equal(catalog.idOf({ key: '', type: 'Ordered', data: { id: 3 } }), 3);
    assert.equal(catalog.idOf({ key: '', type: 'Shipped', data: { id: 9, orderId: 5 } }), 5);
  });

  it('never answers 0 for a keyless event that names no id: it refuses it', () => {
    assert.throws(() => catalog.idOf({ key: '', type: 'Shipped', data: { id: 9 } }), MissingCorrelationError);
    assert.throws(() => catalog.idOf({ key: '', type: 'Ordered', data: {} }), MissingCorrelationError);
    assert.throws(
      () => catalog.idOf({ key: 'x', type: 'Ordered', data: { id: 1 } }),
      MissingCorrelationError,
    );
  });

  it('reads payloads through the system’s reader', () => {
    assert.deepEqual(catalog.payloadOf('Ordered', { id: 1, orderId: 1 }), { qty: 1, id: 1, orderId: 1 });
  });
});
