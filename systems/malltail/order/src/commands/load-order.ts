import { NotFoundError } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import type { Order } from '../domain/order.ts';
import { type OrderTables, toOrder } from '../tables.ts';

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export async function loadOrder(
  db: Kysely<OrderTables>,
  id: number,
  options: { lock?: boolean } = {},
): Promise<Order | undefined> {
  const query = db.selectFrom('orders').selectAll().where('id', '=', id);
  const row = await (options.lock ? query.forUpdate() : query).executeTakeFirst();
  return row && toOrder(row);
}

/** Saves the fields a decision may change. */
export async function saveOrder(db: Kysely<OrderTables>, order: Order): Promise<void> {
  const { orderStatus, deliveryStatus, paystatus, updateDate } = order;
  await db
    .updateTable('orders')
    .set({ orderStatus, deliveryStatus, paystatus, updateDate })
    .where('id', '=', order.id)
    .execute();
}

/** The one 404 for an order: missing, or another customer's (the two look the same). */
export function orderNotFound(id: number): NotFoundError {
  return new NotFoundError('ORDER.NOT_FOUND', `order ${id} not found`);
}
