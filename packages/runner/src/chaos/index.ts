/**
 * The chaos tier (`npm run chaos`, and each system's short run in `npm test`): a system under the
 * runner with clients sending its commands while instances are killed, then its invariants
 * checked against every service's database. A system declares its scenario in
 * `systems/<system>/chaos.ts` with the types here; the driver knows no system (README.md).
 */
export { type Broker, startNatsBroker } from './broker.ts';
export { type CheckReport, checkInvariants, type RunState, waitForQuiet } from './check.ts';
export { inboxSize, type OpenDatabases, openDatabases, parkedEvents } from './databases.ts';
export { killRandomInstances, restartAtRandom } from './faults.ts';
export { MemoryLedger, seededRandom, verdictOf } from './ledger.ts';
export { type ChaosOptions, type ChaosResult, type ChaosRun, describe, runChaos } from './run.ts';
export * from './scenario.ts';
export { assertClean, type ShortRun, shortChaosRun } from './testing.ts';
