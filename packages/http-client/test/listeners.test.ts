// Many calls in flight, none with a signal of its own: no MaxListenersExceededWarning (the
// policies' abort listeners used to pile up on one shared signal: seen under the systems' load).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpClient } from '../src/index.ts';
import { type Callee, json, sleep, startCallee } from './callee.ts';

describe('calls in flight', () => {
  let callee: Callee;
  before(async () => {
    callee = await startCallee(async (_req, res) => {
      await sleep(100);
      json(res, 200, { ok: true });
    });
  });
  after(() => callee.close());

  it('hold no listeners beyond their own call, and print no warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const client = createHttpClient({
      name: 'busy',
      baseUrl: callee.baseUrl,
      bulkhead: { maxConcurrent: 50 },
      timeoutMs: 5000,
    });
    try {
      for (let round = 0; round < 3; round++) {
        const answers = await Promise.all(
          Array.from({ length: 40 }, () => client.request({ method: 'GET', path: '/x' })),
        );
        assert.equal(answers.length, 40);
      }
      await sleep(50); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
      await client.close();
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
      [],
    );
  });
});
