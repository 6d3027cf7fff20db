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

/**
 * Reported, not yet fixed (the same as flowerdelivery's, in service-kit's placePaidOrder, where
 * "paying" is cleanmanage's registration): cleancall killed while its registration call is in
 * flight leaves a registration whose request was never saved, Requested forever, never withdrawn.
 */
const KNOWN = [/was never saved \(not withdrawn\)/];

describe('cleaning under chaos (kill -9 of random instances)', { timeout: 240_000 }, () => {
  let run: ChaosRun;
  before(async () => {
    run = await shortChaosRun({ system, scenario: chaos, basePort: 29300 });
  });
  after(() => {
    if (run) rmSync(run.dataDir, { recursive: true, force: true });
  });

  it('loses nothing, doubles nothing, parks nothing; the history equals its request', (t) => {
    for (const seen of assertClean(run, KNOWN)) t.diagnostic(`known finding: ${seen}`);
    t.diagnostic(JSON.stringify(run.result));
  });
});
