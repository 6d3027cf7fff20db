/**
 * cleaning under chaos, briefly: real processes on ports 29300… (auth and control on free ports),
 * customers requesting and cancelling and cleaners completing, through the gateway while
 * instances are killed with SIGKILL; then every invariant of systems/cleaning/chaos.ts must hold.
 */
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ChaosRun } from '@bounded/runner/chaos';
import { assertClean, shortChaosRun } from '@bounded/runner/chaos';
import { chaos } from '../chaos.ts';
import { system } from '../system.ts';

describe('cleaning under chaos (kill -9 of random instances)', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  before(async () => {
    run = await shortChaosRun({ system, scenario: chaos, basePort: 29300 });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing; the history equals its request', (t) => {
    assertClean(run);
    t.diagnostic(JSON.stringify(run.result));
  });
});
