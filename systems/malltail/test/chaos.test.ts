/**
 * malltail under chaos, briefly: real processes on ports 29500… (auth and control on free ports),
 * customers and the shop owner sending commands through the gateway while instances are killed
 * with SIGKILL; then every invariant of systems/malltail/chaos.ts must hold.
 */
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ChaosRun } from '@bounded/runner/chaos';
import { assertClean, shortChaosRun } from '@bounded/runner/chaos';
import { chaos } from '../chaos.ts';
import { system } from '../system.ts';

describe('malltail under chaos (kill -9 of random instances)', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  before(async () => {
    run = await shortChaosRun({ system, scenario: chaos, basePort: 29500 });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing; statusViews equals its sources', (t) => {
    assertClean(run);
    t.diagnostic(JSON.stringify(run.result));
  });
});
