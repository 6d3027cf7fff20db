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

/**
 * Two findings, named in the README's Chaos section and not fixed yet: placePaidOrder's payment
 * whose order was never saved (as chaos.test.ts names it), and a race of the store's copy (not
 * the bus's): an OrderCancelled reaching the store before the order's Paid finds no copy to stop
 * (ordermanagement's stopWorking returns), the Paid then makes one, it is decorated, and a
 * delivery is requested for a cancelled order. Paid and OrderCancelled come from two producers,
 * so no bus orders them; any lag of the store (a kill) opens it. The NATS stall once suspected
 * here was the whole lease a killed instance's partitions stood still, which widened that
 * window; bus-nats now takes them over at once. Anything else fails the test.
 */
const KNOWN = [
  /was never saved \(no refund\)/,
  /MyPage has a row for order \d+, which does not exist/,
  /is OrderCancelled but its delivery is still requested/,
];

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
    for (const seen of assertClean(run, KNOWN)) t.diagnostic(`known finding: ${seen}`);
    t.diagnostic(JSON.stringify(run.result));
    assert.ok(run.result.brokerRestarts > 0, `the broker was never restarted: ${JSON.stringify(run.result)}`);
  });
});
