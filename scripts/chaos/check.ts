/**
 * The end of a run: wait until the system is quiet (every instance ready, every outbox empty,
 * no consumer handling anything) and its invariants hold, or until the time allowed is up; then
 * report what still does not hold. The parked-events check is the driver's own: every service
 * has the kernel's `bounded_parked` table, so no system needs to declare it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Supervisor, SystemMap } from '@bounded/runner';
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
    const violations = run.scenario.check(db, run.ledger);
    const parked = parkedEvents(db);
    return { violations, parked, clean: violations.length === 0 && parked.length === 0, at: Date.now() };
  } finally {
    db.close();
  }
}

export async function waitForQuiet(
  run: RunState & { readonly supervisor: Supervisor },
  timeoutMs: number,
): Promise<CheckReport> {
  const deadline = Date.now() + timeoutMs;
  let lastInbox = -1;
  for (;;) {
    const inbox = (await settled(run)) ? currentInbox(run) : -1;
    const still = inbox >= 0 && inbox === lastInbox;
    lastInbox = inbox;
    if (still) {
      const report = checkInvariants(run);
      if (report.clean || Date.now() > deadline) return report;
    } else if (Date.now() > deadline) {
      return checkInvariants(run);
    }
    await sleep(500);
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
