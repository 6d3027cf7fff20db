import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { buildApp } from '../src/index.ts';

/** An app logging at `level` into memory, counting the child loggers made from its root. */
function app(level: string) {
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const root = pino({ level }, sink);
  let children = 0;
  const child = root.child.bind(root);
  root.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof root.child;
  const built = buildApp({ name: 'test', logger: root });
  built.get('/quiet', async (req) => {
    req.log.debug('a detail nobody asked for');
    return { ok: true };
  });
  built.get('/loud', async (req) => {
    req.log.warn({ orderId: 7 }, 'something to look at');
    return { ok: true };
  });
  built.get('/muted', { logLevel: 'silent' }, async (req) => {
    req.log.error('never written');
    return { ok: true };
  });
  return { app: built, logs, children: () => children };
}

describe('request logger', () => {
  it('makes no child logger for a request that writes nothing at the enabled level', async () => {
    const { app: quiet, logs, children } = app('warn');
    await quiet.ready();
    const before = children();
    for (let i = 0; i < 5; i++) assert.equal((await quiet.inject({ url: '/quiet' })).statusCode, 200);
    assert.equal(children(), before, 'no child logger was built');
    assert.deepEqual(logs, []);
  });

  it('writes an enabled line with the request id, trace id and the fields given', async () => {
    const { app: loud, logs } = app('warn');
    const res = await loud.inject({ url: '/loud' });
    const line = logs.find((l) => l.msg === 'something to look at');
    assert.ok(line, 'the warning was written');
    assert.equal(line.orderId, 7);
    assert.match(String(line.reqId), /\S/);
    assert.equal(line.traceId, String(res.headers.traceparent).split('-')[1]);
  });

  it("keeps a route's own level: a silent route writes nothing, even errors", async () => {
    const { app: muted, logs } = app('info');
    assert.equal((await muted.inject({ url: '/muted' })).statusCode, 200);
    assert.equal(
      logs.some((l) => l.msg === 'never written'),
      false,
    );
  });
});
