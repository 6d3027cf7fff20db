/**
 * carshare under chaos, briefly: real processes on ports 29100… (auth and control on free ports),
 * customers renting and cancelling (the cancel saga) through the gateway while instances are
 * killed with SIGKILL; then every invariant of systems/carshare/chaos.ts must hold.
 */
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ChaosRun } from '@bounded/runner/chaos';
import { assertClean, shortChaosRun } from '@bounded/runner/chaos';
import { chaos } from '../chaos.ts';
import { system } from '../system.ts';

describe('carshare under chaos (kill -9 of random instances)', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  before(async () => {
    run = await shortChaosRun({ system, scenario: chaos, basePort: 29100 });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing; customerpages equals its sources', (t) => {
    assertClean(run);
    t.diagnostic(JSON.stringify(run.result));
  });
});
