/** Sync-call targets: the runner's own, unless the runner's environment names another (issue 19). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { callTargets } from '../src/call-targets.ts';
import { controlApp } from '../src/control.ts';
import { Supervisor } from '../src/supervisor.ts';
import type { SystemMap } from '../src/system-map.ts';

const system: SystemMap = {
  name: 'flowerdelivery',
  basePort: 8200,
  services: [
    { name: 'order', entry: '/x/order.ts', calls: ['payment'] },
    { name: 'payment', entry: '/x/payment.ts' },
  ],
};
const [order, payment] = system.services;

describe('callTargets', () => {
  it("is the callee's first instance by default", () => {
    assert.deepEqual(callTargets(system, order!, {}), [
      {
        from: 'flowerdelivery/order',
        callee: 'payment',
        env: 'PAYMENT_URL',
        url: 'http://127.0.0.1:8202',
        source: 'runner',
      },
    ]);
    assert.deepEqual(callTargets(system, payment!, { PAYMENT_URL: 'http://elsewhere' }), []);
  });

  it('an override in the environment wins: <SYSTEM>_<NAME>_URL, else <NAME>_URL', () => {
    assert.deepEqual(
      callTargets(system, order!, { PAYMENT_URL: 'http://127.0.0.1:18082' }).map((t) => [t.url, t.source]),
      [['http://127.0.0.1:18082', 'PAYMENT_URL']],
    );
    assert.deepEqual(
      callTargets(system, order!, {
        PAYMENT_URL: 'http://127.0.0.1:18082',
        FLOWERDELIVERY_PAYMENT_URL: 'http://127.0.0.1:28082',
      }).map((t) => [t.env, t.url, t.source]),
      [['PAYMENT_URL', 'http://127.0.0.1:28082', 'FLOWERDELIVERY_PAYMENT_URL']],
    );
    assert.equal(callTargets(system, order!, { PAYMENT_URL: '' })[0]?.source, 'runner');
  });
});

describe('npx bounded status', () => {
  it('lists each sync call with where its url came from', async () => {
    const calls = callTargets(system, order!, { PAYMENT_URL: 'http://127.0.0.1:18082' });
    const app = controlApp(
      new Supervisor({ sink: () => {} }),
      () => [],
      () => calls,
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (app.server.address() as { port: number }).port;
      const status = await (await fetch(`http://127.0.0.1:${port}/status`)).json();
      assert.deepEqual(status.calls, calls);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(import.meta.dirname, '..', 'bin', 'bounded.mjs'), 'status'],
        { env: { ...process.env, BOUNDED_CONTROL_PORT: String(port) } },
      );
      assert.match(
        stdout,
        /flowerdelivery\/order → payment\s+PAYMENT_URL\s+http:\/\/127\.0\.0\.1:18082\s+PAYMENT_URL \(external\)/,
      );
    } finally {
      await app.close();
    }
  });
});
