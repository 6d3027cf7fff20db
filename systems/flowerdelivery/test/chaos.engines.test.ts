/**
 * flowerdelivery under chaos on a broker (engine tier: needs nats-server, which engines/install.sh
 * installs): the services' bus is a NATS JetStream server of the run's own (not the tier's shared
 * one), killed with SIGKILL and started again on its store every few seconds, while service
 * instances are killed too; ports 29700…. Every invariant of systems/flowerdelivery/chaos.ts must
 * hold afterwards, as on the embedded log.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ChaosRun } from '@bounded/runner/chaos';
import { assertClean, shortChaosRun } from '@bounded/runner/chaos';
import { chaos } from '../chaos.ts';
import { system } from '../system.ts';

describe('flowerdelivery under chaos, its NATS broker restarted too', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  before(async () => {
    run = await shortChaosRun({
      system,
      scenario: chaos,
      basePort: 29700,
      seconds: 15,
      natsRestartEvery: 5,
      // A generous bound: settling is measured, and ends as soon as all is quiet and consistent.
      settleSeconds: 90,
    });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing across broker restarts', (t) => {
    assertClean(run);
    t.diagnostic(JSON.stringify(run.result));
    assert.ok(run.result.brokerRestarts > 0, `the broker was never restarted: ${JSON.stringify(run.result)}`);
  });
});
