import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentTraceparent, parseTraceparent } from '../src/index.ts';
import { testApp } from './helpers.ts';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('continues the caller trace: same trace id in logs, response header and outgoing header', async () => {
    const { app, logs } = testApp();
    let outgoing = '';
    app.get('/work', async (req) => {
      outgoing = currentTraceparent(req);
      req.log.info('working');
      return { ok: true };
    });
    const res = await app.inject({ method: 'GET', url: '/work', headers: { traceparent: INCOMING } });
    const echoed = parseTraceparent(res.headers.traceparent as string);
    assert.equal(echoed?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(echoed?.spanId, '00f067aa0ba902b7', 'this hop has its own span');
    assert.equal(outgoing, res.headers.traceparent);
    const line = logs.find((l) => l.msg === 'working');
    assert.equal(line?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('starts a new trace when the header is missing or invalid', async () => {
    const { app, logs } = testApp();
    for (const traceparent of [
      undefined,
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    ]) {
      const res = await app.inject({
        method: 'GET',
        url: '/missing',
        headers: traceparent ? { traceparent } : {},
      });
      const ctx = parseTraceparent(res.headers.traceparent as string);
      assert.ok(ctx, `a valid traceparent is echoed for ${traceparent}`);
      assert.ok(logs.some((l) => l.traceId === ctx.traceId));
    }
  });

  it('parses only valid traceparent headers', () => {
    assert.deepEqual(parseTraceparent(INCOMING), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
    assert.equal(parseTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), undefined);
    assert.equal(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'), undefined);
    assert.equal(parseTraceparent(`${INCOMING}-extra`), undefined, 'version 00 has exactly four fields');
    assert.ok(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future'));
  });
});
