import { NotFoundError } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import type { Order } from '../domain/order.ts';
import type { OrderTables } from '../tables.ts';

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export async function loadOrder(
  db: Kysely<OrderTables>,
  id: number,
  options: { lock?: boolean } = {},
): Promise<Order | undefined> {
  const query = db.selectFrom('orders').selectAll().where('id', '=', id);
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return (
    row && { ...row, id: Number(row.id), itemPrice: Number(row.itemPrice), paymentId: Number(row.paymentId) }
  );
}

/** The one 404 for an order: missing, or another customer's (the two look the same). */
export function orderNotFound(id: number): NotFoundError {
  return new NotFoundError('ORDER.NOT_FOUND', `order ${id} not found`);
}
