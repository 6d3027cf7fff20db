/**
 * Operations registers a cleaning request (cleancall's sync call, requirement 2). Idempotent on
 * the request's id: a retried call answers the registration the first one made.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '@bounded/kernel';
import { againOnUniqueViolation } from '@bounded/store';
import type { CleanManageContext } from '../config.ts';
import { type CleanManage, type Registration, register } from '../domain/clean-manage.ts';
import { cleanManages, loadByOrder } from '../tables.ts';

export async function registerRequestCommand(
  ctx: CleanManageContext,
  registration: Registration,
  traceparent?: string,
): Promise<CleanManage> {
  if (ctx.config.CLEANMANAGE_DELAY_MS > 0) await sleep(ctx.config.CLEANMANAGE_DELAY_MS);
  if (ctx.config.CLEANMANAGE_FAIL)
    throw new UnavailableError('CLEANMANAGE.UNAVAILABLE', 'cleanmanage is failing (CLEANMANAGE_FAIL)', 1);
  return againOnUniqueViolation(() =>
    ctx.command(async (trx) => {
      const existing = await loadByOrder(trx, registration.orderId);
      if (existing) return existing;
      const fields = register(registration);
      return { id: await cleanManages.insert(trx, fields), ...fields };
    }, traceparent),
  );
}
