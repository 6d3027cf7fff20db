/** The manager registers a cleaner (requirement 3): idle from now, at the end of the queue. */
import { ConflictError } from '@bounded/kernel';
import { isUniqueViolation } from '@bounded/store';
import type { CleanAssignContext } from '../config.ts';
import { type Cleaner, registerCleaner } from '../domain/pool.ts';
import { cleaners } from '../tables.ts';

export interface NewCleaner {
  readonly name: string;
  readonly tel: string;
  readonly username: string | null;
}

export async function registerCleanerCommand(ctx: CleanAssignContext, cleaner: NewCleaner): Promise<Cleaner> {
  try {
    return await ctx.command(async (trx) => {
      const fields = registerCleaner(cleaner, new Date().toISOString());
      return { ...fields, id: await cleaners.insert(trx, fields) };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('CLEANER.USERNAME_TAKEN', `a cleaner with username ${cleaner.username} exists`);
    throw error;
  }
}

/** The development set's cleaners, registered once (replicas starting together: the unique username decides). */
export const DEV_CLEANERS: readonly NewCleaner[] = [
  { name: 'Kim Minjun', tel: '01011112222', username: 'cleaner1' },
  { name: 'Lee Seoyeon', tel: '01033334444', username: 'cleaner2' },
];

export async function registerDevCleaners(ctx: CleanAssignContext): Promise<void> {
  for (const cleaner of DEV_CLEANERS) {
    const known = await ctx.store.db
      .selectFrom('cleaners')
      .select('id')
      .where('username', '=', cleaner.username)
      .executeTakeFirst();
    if (known) continue;
    await registerCleanerCommand(ctx, cleaner).catch((error) => {
      if (!(error instanceof ConflictError)) throw error;
    });
  }
}
