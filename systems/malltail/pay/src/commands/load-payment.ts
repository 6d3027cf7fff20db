import type { Kysely } from 'kysely';
import type { Payment } from '../domain/payment.ts';
import { type PayTables, payments } from '../tables.ts';

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export async function loadPayment(
  db: Kysely<PayTables>,
  by: { id: number } | { orderNo: number } | { idempotencyKey: string },
  options: { lock?: boolean } = {},
): Promise<Payment | undefined> {
  const [field, value] = Object.entries(by)[0] as ['id' | 'orderNo' | 'idempotencyKey', never];
  const row =
    field === 'id'
      ? await payments.load(db, value, options)
      : await payments.loadBy(db, field, value, options);
  if (!row) return undefined;
  const { idempotencyKey: _key, ...payment } = row;
  return payment;
}
