/**
 * One chaos run of one system: launch it under the runner (auth, its services, its gateway) on a
 * copy of its map moved to `basePort`, run the scenario's clients through the gateway with real
 * tokens while random service instances are killed with SIGKILL, then stop the faults, wait for
 * quiet and check every invariant against the services' databases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Launched, launch, platformProcesses, type SystemMap } from '../index.ts';
import { platformPortsOf } from '../system-map.ts';
import { passwordToken } from '../testing.ts';
import { type Broker, startNatsBroker } from './broker.ts';
import { type CheckReport, waitForQuiet } from './check.ts';
import { killRandomInstances, restartAtRandom } from './faults.ts';
import { MemoryLedger, seededRandom, verdictOf } from './ledger.ts';
import type { ChaosClient, ChaosScenario, Command, Json, Outcome } from './scenario.ts';

export interface ChaosOptions {
  readonly system: SystemMap;
  readonly scenario: ChaosScenario;
  /** How long the clients send commands (and the faults go on). */
  readonly seconds: number;
  /** Mean seconds between two kills (each wait is drawn from 0.5×–1.5× of it); 0 = no kills. */
  readonly killEvery: number;
  /** The gateway's port; services take the ports after it (a block of 100 is used). */
  readonly basePort: number;
  readonly clients?: number;
  /** Instances of each service (as `npx bounded scale` makes them): a kill then leaves the others serving. */
  readonly replicas?: number;
  readonly seed?: number;
  /** The services' event bus: the embedded log (default) or a NATS JetStream broker of the run's own. */
  readonly bus?: 'embedded' | 'nats';
  /** With `bus: 'nats'`: mean seconds between two broker restarts (SIGKILL, then start); 0 = none. */
  readonly brokerRestartEvery?: number;
  /** How long the system may take to become quiet and consistent after the faults stop. */
  readonly settleSeconds?: number;
  /** Keep the data directory (its databases) after the run, for a later look or a re-check. */
  readonly keepData?: boolean;
  /** Every process's log lines. */
  readonly sink?: (id: string, line: string) => void;
  /** Progress notes (what was killed, when quiet came). */
  readonly note?: (line: string) => void;
}

/** The last line of `npm run chaos`. */
export interface ChaosResult {
  readonly system: string;
  readonly seconds: number;
  readonly kills: number;
  readonly bus: 'embedded' | 'nats';
  readonly brokerRestarts: number;
  readonly commands: number;
  readonly accepted: number;
  readonly refused: number;
  readonly uncertain: number;
  readonly lost: number;
  readonly doubled: number;
  readonly viewsConverged: boolean;
  /** From the faults' end until every invariant held and nothing moved; null if it never did. */
  readonly convergeMs: number | null;
  readonly parked: number;
  readonly sagasHalfDone: number;
  readonly seed: number;
  /** The first violations found, for the reader of a failed run. */
  readonly violations: readonly string[];
}

export interface ChaosRun {
  readonly result: ChaosResult;
  readonly ledger: MemoryLedger;
  /** Every violation found (the result holds the first 20). */
  readonly violations: readonly string[];
  /** The run's data directory (removed unless `keepData`). */
  readonly dataDir: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosRun> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const note = options.note ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), `chaos-${options.system.name}-`));
  const removeData = () => {
    if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
  };
  const broker =
    options.bus === 'nats'
      ? await startNatsBroker(
          platformPortsOf({ ...options.system, basePort: options.basePort }).broker,
          dataDir,
        )
      : undefined;
  const system = mapOfRun(options, broker);
  const launched = await launchSystem(system, dataDir, options.sink).catch(async (error: Error) => {
    await broker?.stop();
    removeData();
    throw error;
  });
  try {
    if ((options.replicas ?? 1) > 1)
      await Promise.all(
        system.services.map((s) => launched.supervisor.scale(`${system.name}/${s.name}`, options.replicas!)),
      );
    const { ledger, kills, brokerRestarts } = await underFaults(system, launched, broker, {
      ...options,
      seed,
      note,
    });
    const faultsEnded = Date.now();
    note(`faults stopped after ${kills} kills and ${ledger.outcomes.length} commands; waiting for quiet`);
    const report = await waitForQuiet(
      { dataDir, system, scenario: options.scenario, ledger, supervisor: launched.supervisor },
      (options.settleSeconds ?? 60) * 1000,
    );
    const convergeMs = report.clean ? report.at - faultsEnded : null;
    note(report.clean ? `quiet and consistent after ${convergeMs} ms` : 'never consistent');
    const violations = describe(report);
    const result = resultOf(system.name, options.seconds, {
      kills,
      bus: options.bus ?? 'embedded',
      brokerRestarts,
      seed,
      ledger,
      report,
      convergeMs,
      violations,
    });
    return { result, violations, ledger, dataDir };
  } finally {
    await launched.stop();
    await broker?.stop();
    removeData();
  }
}

/** The map moved to the run's ports, every service given the run's broker when there is one. */
function mapOfRun(options: ChaosOptions, broker: Broker | undefined): SystemMap {
  const services = broker
    ? options.system.services.map((s) => ({ ...s, env: { ...s.env, BUS_URL: broker.url } }))
    : options.system.services;
  return { ...options.system, basePort: options.basePort, services };
}

/** The clients' loops, the killer and the broker's restarts, side by side until the time is up. */
async function underFaults(
  system: SystemMap,
  launched: Launched,
  broker: Broker | undefined,
  options: ChaosOptions & { seed: number; note: (line: string) => void },
): Promise<{ ledger: MemoryLedger; kills: number; brokerRestarts: number }> {
  const ledger = new MemoryLedger();
  const gateway = `http://127.0.0.1:${system.basePort}`;
  const tokens = await tokensOf(gateway, system.name, options.scenario.users);
  const random = seededRandom(options.seed);
  const until = Date.now() + options.seconds * 1000;
  const client = clientOf(gateway, tokens, ledger, random);
  const faults = { until, random, note: options.note };
  const [kills, brokerRestarts] = await Promise.all([
    killRandomInstances(launched.supervisor, system, { ...faults, meanSeconds: options.killEvery }),
    broker ? restartAtRandom(broker, { ...faults, meanSeconds: options.brokerRestartEvery ?? 0 }) : 0,
    ...Array.from({ length: options.clients ?? 4 }, () => clientLoop(options.scenario, client, until)),
  ]);
  return { ledger, kills, brokerRestarts: brokerRestarts ?? 0 };
}

async function launchSystem(
  system: SystemMap,
  dataDir: string,
  sink: ChaosOptions['sink'],
): Promise<Launched> {
  const recent: string[] = [];
  return launch({
    systems: [system],
    dataDir,
    controlPort: platformPortsOf(system).control,
    logLevel: 'warn',
    sink: (id, _replica, line) => {
      sink?.(id, line);
      recent.push(`${id} ${line}`);
      if (recent.length > 100) recent.shift();
    },
    platform: platformProcesses({ authPort: platformPortsOf(system).auth }),
  }).catch((error: Error) => {
    throw new Error(`${system.name} did not start: ${error.message}\n${recent.join('\n')}`);
  });
}

async function tokensOf(
  gateway: string,
  system: string,
  users: readonly string[],
): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const user of users) tokens.set(user, await passwordToken(gateway, user, system));
  return tokens;
}

/** Sends through the gateway; every command's verdict goes into the ledger. */
function clientOf(
  gateway: string,
  tokens: Map<string, string>,
  ledger: MemoryLedger,
  random: ChaosClient['random'],
): ChaosClient {
  const request = (who: string, method: string, path: string, body?: unknown) =>
    fetch(`${gateway}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens.get(who)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Longer than the gateway's own timeouts: a slow answer is still an answer.
      signal: AbortSignal.timeout(20_000),
    });
  return {
    random,
    ledger,
    async send(command: Command): Promise<Outcome> {
      let status = 0;
      let body: Json | undefined;
      try {
        const res = await request(command.who, command.method, command.path, command.body);
        status = res.status;
        body = await res.json().catch(() => undefined);
      } catch {
        // No answer (cut, timed out): the command may have taken effect.
      }
      const subject = command.subject ?? (typeof body?.id === 'number' ? body.id : undefined);
      const outcome: Outcome = {
        kind: command.kind,
        subject,
        created: command.subject === undefined,
        who: command.who,
        status,
        verdict: verdictOf(status),
        body,
      };
      ledger.record(outcome);
      // As a real client would on 503 + Retry-After or no answer: wait a little before the next.
      if (outcome.verdict === 'uncertain') await sleep(100 + random.next() * 200);
      return outcome;
    },
    async read(who, path) {
      try {
        const res = await request(who, 'GET', path);
        const body = await res.json().catch(() => undefined);
        return res.status === 200 ? (body as Json) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

async function clientLoop(scenario: ChaosScenario, client: ChaosClient, until: number): Promise<void> {
  while (Date.now() < until) await scenario.step(client);
}

function resultOf(
  system: string,
  seconds: number,
  run: {
    kills: number;
    bus: 'embedded' | 'nats';
    brokerRestarts: number;
    seed: number;
    ledger: MemoryLedger;
    report: CheckReport;
    convergeMs: number | null;
    violations: string[];
  },
): ChaosResult {
  const { kills, seed, ledger, report, convergeMs } = run;
  const count = (verdict: string) => ledger.outcomes.filter((o) => o.verdict === verdict).length;
  const of = (kind: string) => report.violations.filter((v) => v.kind === kind).length;
  return {
    system,
    seconds,
    kills,
    bus: run.bus,
    brokerRestarts: run.brokerRestarts,
    commands: ledger.outcomes.length,
    accepted: count('accepted'),
    refused: count('refused'),
    uncertain: count('uncertain'),
    lost: of('lost'),
    doubled: of('doubled'),
    viewsConverged: of('view') === 0,
    convergeMs,
    parked: report.parked.length,
    sagasHalfDone: of('saga'),
    seed,
    violations: run.violations.slice(0, 20),
  };
}

/** Each violation and parked event as one line. */
export function describe(report: CheckReport): string[] {
  return [
    ...report.violations.map((v) => `${v.kind}: ${v.detail}`),
    ...report.parked.map((p) => `parked: ${p.service} ${p.type}: ${p.error}`),
  ];
}
