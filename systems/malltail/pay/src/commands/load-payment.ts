import type { Kysely } from 'kysely';
import type { Payment } from '../domain/payment.ts';
import { type PayTables, toPayment } from '../tables.ts';

export async function loadPayment(
  db: Kysely<PayTables>,
  by: { id: number } | { orderNo: number } | { idempotencyKey: string },
): Promise<Payment | undefined> {
  let query = db.selectFrom('payments').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('orderNo' in by) query = query.where('orderNo', '=', by.orderNo);
  else query = query.where('idempotencyKey', '=', by.idempotencyKey);
  const row = await query.orderBy('id', 'desc').executeTakeFirst();
  return row && toPayment(row);
}
