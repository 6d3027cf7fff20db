import type { Kysely } from 'kysely';
import type { Order } from '../domain/order.ts';
import { type OrderTables, orders } from '../tables.ts';

/** `lock`: inside a command, hold the row until the transaction ends (SELECT … FOR UPDATE). */
export function loadOrder(
  db: Kysely<OrderTables>,
  id: number,
  options: { lock?: boolean } = {},
): Promise<Order | undefined> {
  return orders.load(db, id, options);
}

/** Saves the fields a decision may change. */
export function saveOrder(db: Kysely<OrderTables>, order: Order): Promise<void> {
  const { orderStatus, deliveryStatus, paystatus, updateDate } = order;
  return orders.update(db, order.id, { orderStatus, deliveryStatus, paystatus, updateDate });
}

/** The one 404 for an order: missing, or another customer's (the two look the same). */
export const orderNotFound = (id: number) => orders.notFoundError(id);
