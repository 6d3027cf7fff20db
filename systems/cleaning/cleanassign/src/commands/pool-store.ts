/**
 * How the pool is stored: claiming the longest-idle cleaner (the conditional write that makes
 * racing replicas assign a cleaner once, see domain/pool.ts), freeing one, saving an assignment.
 */
import type { Kysely } from 'kysely';
import { type Assignment, type Cleaner, release } from '../domain/pool.ts';
import { assignments, type CleanAssignTables, cleaners } from '../tables.ts';

type Db = Kysely<CleanAssignTables>;

/** Claims lost to another replica before giving up on this try (the event is then retried). */
const MAX_LOST_CLAIMS = 20;

/**
 * Takes the cleaner idle longest and makes them Busy, or answers undefined when nobody is idle.
 * The claim is `UPDATE … WHERE id = ? AND status = 'Idle'`: if another transaction took the
 * cleaner first (PostgreSQL/MySQL: it waited for that one's commit and re-checked the
 * condition), nothing changes and the next candidate is tried. On SQLite writers take turns
 * (BEGIN IMMEDIATE), so the first claim always holds.
 */
export async function claimLongestIdle(trx: Db): Promise<Cleaner | undefined> {
  for (let lost = 0; lost < MAX_LOST_CLAIMS; lost++) {
    const row = await trx
      .selectFrom('cleaners')
      .selectAll()
      .where('status', '=', 'Idle')
      .orderBy('idleSince', 'asc')
      .orderBy('id', 'asc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    const claimed = await trx
      .updateTable('cleaners')
      .set({ status: 'Busy' })
      .where('id', '=', row.id)
      .where('status', '=', 'Idle')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) return { ...cleaners.fromRow(row), status: 'Busy' };
  }
  throw new Error(`lost ${MAX_LOST_CLAIMS} claims on idle cleaners in a row; retrying the assignment`);
}

/** The cleaner is idle again, from `at` (the end of the queue of idle cleaners). */
export async function freeCleaner(trx: Db, cleanerId: number, at: string): Promise<void> {
  const cleaner = await cleaners.load(trx, cleanerId, { lock: true });
  if (!cleaner) throw cleaners.notFoundError(cleanerId);
  const { status, idleSince } = release(cleaner, at);
  await cleaners.update(trx, cleanerId, { status, idleSince });
}

export function insertAssignment(trx: Db, a: Assignment): Promise<number> {
  return assignments.insert(trx, a);
}

export function saveAssignment(trx: Db, a: Assignment): Promise<void> {
  const { status, activeCleanerId, updatedAt } = a;
  return assignments.update(trx, a.id, { status, activeCleanerId, updatedAt });
}
