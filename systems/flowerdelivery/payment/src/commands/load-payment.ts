import type { Kysely, Selectable } from 'kysely';
import type { Payment } from '../domain/payment.ts';
import type { PaymentTables } from '../tables.ts';

type Row = Selectable<PaymentTables['payments']>;

export function toPayment(row: Row): Payment {
  const { idempotencyKey: _key, ...rest } = row;
  return { ...rest, id: Number(row.id), orderId: Number(row.orderId), itemPrice: Number(row.itemPrice) };
}

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export async function loadPayment(
  db: Kysely<PaymentTables>,
  by: { id: number } | { orderId: number } | { idempotencyKey: string },
  options: { lock?: boolean } = {},
): Promise<Payment | undefined> {
  let query = db.selectFrom('payments').selectAll();
  if ('id' in by) query = query.where('id', '=', by.id);
  else if ('orderId' in by) query = query.where('orderId', '=', by.orderId);
  else query = query.where('idempotencyKey', '=', by.idempotencyKey);
  query = query.orderBy('id', 'desc');
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return row && toPayment(row);
}
