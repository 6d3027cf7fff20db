import type { Kysely } from 'kysely';
import type { Payment } from '../domain/payment.ts';
import { type PayTables, toPayment } from '../tables.ts';

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export async function loadPayment(
  db: Kysely<PayTables>,
  by: { id: number } | { orderNo: number } | { idempotencyKey: string },
  options: { lock?: boolean } = {},
): Promise<Payment | undefined> {
  let query = db.selectFrom('payments').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('orderNo' in by) query = query.where('orderNo', '=', by.orderNo);
  else query = query.where('idempotencyKey', '=', by.idempotencyKey);
  query = query.orderBy('id', 'desc');
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return row && toPayment(row);
}
