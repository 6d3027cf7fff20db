import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromWire, toWire } from '@bounded/bus';
import { event } from '@bounded/bus/contract';
import { springHeaders } from '../src/index.ts';

describe('headers on the wire', () => {
  it('are written as Spring writes them and read back by fromWire', () => {
    const sent = event('flowerdelivery', 'order-1', 'Ordered', { qty: 2 });
    const wire = toWire(sent);
    const headers = springHeaders(wire.headers);
    assert.equal(headers.type, '"Ordered"');
    assert.equal(headers.contentType, '"application/json"');
    assert.equal(headers.traceparent, sent.traceparent, 'raw, as tracers read it');
    assert.deepEqual(JSON.parse(headers.spring_json_header_types), {
      contentType: 'java.lang.String',
      type: 'java.lang.String',
      id: 'java.lang.String',
      source: 'java.lang.String',
    });
    const back = fromWire('flowerdelivery', { key: wire.key, value: wire.value, headers }, 'fallback');
    assert.deepEqual(back, sent);
  });

  it('does not quote a value twice', () => {
    assert.equal(springHeaders({ type: '"Ordered"' }).type, '"Ordered"');
    assert.equal(springHeaders({ type: '"half' }).type, '"\\"half"');
  });
});
