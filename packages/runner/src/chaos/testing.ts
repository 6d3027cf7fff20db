/**
 * The short chaos run every system's test suite makes (systems/<system>/test/chaos.test.ts): a
 * few seconds of clients and kills on a port block of the test's own, then every invariant must
 * hold. `known` names violations already reported and not yet fixed, matched by their text: they
 * are printed as diagnostics, never hidden, and everything else fails the test.
 */
import assert from 'node:assert/strict';
import type { SystemMap } from '../index.ts';
import { type ChaosRun, runChaos } from './run.ts';
import type { ChaosScenario } from './scenario.ts';

export interface ShortRun {
  readonly system: SystemMap;
  readonly scenario: ChaosScenario;
  /**
   * The system's block: 29100, 29200 … by its default block, below the ephemeral range (32768…)
   * from which `freePort()` hands out ports, so no other test's free port can take one of ours.
   */
  readonly basePort: number;
  readonly seconds?: number;
  readonly killEvery?: number;
  /** A NATS broker of the run's own, killed and started again every this many seconds on average. */
  readonly natsRestartEvery?: number;
  /** How long quiet may take after the faults (45 s by default). */
  readonly settleSeconds?: number;
}

export function shortChaosRun(options: ShortRun): Promise<ChaosRun> {
  return runChaos({
    system: options.system,
    scenario: options.scenario,
    seconds: options.seconds ?? 12,
    killEvery: options.killEvery ?? 2,
    basePort: options.basePort,
    clients: 3,
    ...(options.natsRestartEvery
      ? { bus: 'nats' as const, brokerRestartEvery: options.natsRestartEvery }
      : {}),
    settleSeconds: options.settleSeconds ?? 45,
    keepData: true,
  });
}

/** Asserts a run found nothing: faults happened, commands were accepted, no invariant broke. */
export function assertClean(run: ChaosRun): void {
  const { result } = run;
  const json = JSON.stringify(result);
  assert.ok(result.kills > 0, `no instance was killed: ${json}`);
  assert.ok(result.accepted > 0, `no command was accepted: ${json}`);
  assert.deepEqual(run.violations, [], `violations: ${json}`);
  assert.equal(result.lost + result.doubled + result.parked + result.sagasHalfDone, 0, json);
  assert.ok(result.viewsConverged && result.convergeMs !== null, json);
}
