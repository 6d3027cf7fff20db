/**
 * The end of a run: wait until the system is quiet (every instance ready, every outbox empty,
 * no consumer handling anything) and its invariants hold, or until the time allowed is up; then
 * report what still does not hold. Two checks are the driver's own, so no system declares them:
 * parked events (every service has the kernel's `bounded_parked` table) and ids handed out twice
 * (two 2xx answers of creating commands naming one id).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Supervisor, SystemMap } from '../index.ts';
import { inboxSize, openDatabases, parkedEvents } from './databases.ts';
import type { ChaosScenario, Ledger, Violation } from './scenario.ts';

export interface CheckReport {
  readonly violations: readonly Violation[];
  readonly parked: ReturnType<typeof parkedEvents>;
  readonly clean: boolean;
  /** When the report was made (ms since the epoch). */
  readonly at: number;
}

export interface RunState {
  readonly dataDir: string;
  readonly system: SystemMap;
  readonly scenario: ChaosScenario;
  readonly ledger: Ledger;
}

/** The invariants and the parked events, once: what a re-check of a finished run's data uses. */
export function checkInvariants(run: RunState): CheckReport {
  const db = openDatabases(
    run.dataDir,
    run.system.name,
    run.system.services.map((s) => s.name),
  );
  try {
    const violations = [...createdTwice(run.ledger), ...run.scenario.check(db, run.ledger)];
    const parked = parkedEvents(db);
    return { violations, parked, clean: violations.length === 0 && parked.length === 0, at: Date.now() };
  } finally {
    db.close();
  }
}

/** The driver's own "nothing doubled": no two 2xx answers created the same id (any system, any kind). */
function createdTwice(ledger: Ledger): Violation[] {
  const seen = new Set<string>();
  const twice: Violation[] = [];
  for (const o of ledger.outcomes) {
    if (!o.created || o.verdict !== 'accepted' || o.subject === undefined) continue;
    const key = `${o.kind} ${o.subject}`;
    if (seen.has(key))
      twice.push({ kind: 'doubled', detail: `two accepted ${o.kind} commands answered id ${o.subject}` });
    seen.add(key);
  }
  return twice;
}

/**
 * Polls until the system is settled, its inboxes still between two looks, and every invariant
 * holds — and still holds a second later with nothing handled meanwhile (a consumer slow to poll
 * must not pass for a quiet one). The report's `at` is the first of those two looks.
 */
export async function waitForQuiet(
  run: RunState & { readonly supervisor: Supervisor },
  timeoutMs: number,
): Promise<CheckReport> {
  const deadline = Date.now() + timeoutMs;
  let lastInbox = -1;
  let firstClean: { report: CheckReport; inbox: number } | undefined;
  for (;;) {
    const inbox = (await settled(run)) ? currentInbox(run) : -1;
    const still = inbox >= 0 && inbox === lastInbox;
    lastInbox = inbox;
    const report = still || Date.now() > deadline ? checkInvariants(run) : undefined;
    if (report?.clean && firstClean?.inbox === inbox) return firstClean.report;
    firstClean = report?.clean ? { report, inbox } : undefined;
    // Past the deadline a failing report is final; a passing one gets one more look to confirm it.
    if (report && Date.now() > deadline && (!report.clean || Date.now() > deadline + 5000)) return report;
    await sleep(firstClean ? 1000 : 500);
  }
}

/** Every instance ready and every service's outbox empty (as its /admin/describe says). */
async function settled(run: RunState & { readonly supervisor: Supervisor }): Promise<boolean> {
  const instances = run.supervisor.status();
  if (instances.some((i) => !i.ready)) return false;
  const prefix = `${run.system.name}/`;
  const backlogs = await Promise.all(
    instances
      .filter((i) => i.id.startsWith(prefix) && !i.id.endsWith('/gateway'))
      .map(async (i) => {
        try {
          const res = await fetch(`${i.url}/admin/describe`, { signal: AbortSignal.timeout(2000) });
          return res.ok ? Number(((await res.json()) as { outboxBacklog: number }).outboxBacklog) : -1;
        } catch {
          return -1;
        }
      }),
  );
  return backlogs.every((n) => n === 0);
}

function currentInbox(run: RunState): number {
  const db = openDatabases(
    run.dataDir,
    run.system.name,
    run.system.services.map((s) => s.name),
  );
  try {
    return inboxSize(db);
  } finally {
    db.close();
  }
}
