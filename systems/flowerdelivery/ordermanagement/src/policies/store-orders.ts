/**
 * Whenever an order is paid, the store receives its copy (requirement 3); whenever it is
 * cancelled or its payment refunded, the store stops working on it. A generated payment's Paid
 * lacks itemPrice and userName: the copy takes them from the order's Ordered, whichever of the
 * two comes first (keyless events of two producers arrive in any order).
 */
import type { Kysely } from 'kysely';
import { orderIdOf } from '../../../events.ts';
import { copyCancelled, copyLine, type LineCopies, learnLine } from '../../../order-line.ts';
import { cancelByCustomer } from '../domain/store-order.ts';
import { type OrderManagementTables, storeCopies } from '../tables.ts';

type Event = { key: string; type: string; data: Readonly<Record<string, unknown>> };

const copies: LineCopies<{ id: number }> = {
  load: (db, orderId) => storeCopies.loadBy(db, 'orderId', orderId, { lock: true }),
  update: (db, id, patch) => storeCopies.update(db, id, patch),
  create: async (db, orderId, line) => {
    await storeCopies.insert(db, { orderId, ...line, orderStatus: 'Received' });
  },
};

/** A copy made by a cancel that came before its Paid: cancelled from the start. */
const cancelledCopies: LineCopies<{ id: number }> = {
  ...copies,
  create: async (db, orderId, line) => {
    await storeCopies.insert(db, { orderId, ...line, orderStatus: 'OrderCancelled' });
  },
};

async function stopWorking(event: Event, trx: Kysely<OrderManagementTables>): Promise<void> {
  const row = await storeCopies.loadBy(trx, 'orderId', orderIdOf(event), { lock: true });
  if (!row) return;
  const next = cancelByCustomer(row);
  await storeCopies.update(trx, next.id, { orderStatus: next.orderStatus });
}

/**
 * OrderCancelled comes from the order service, Paid from payment: the cancel may come first (seen
 * by the chaos tier: the late Paid then made a copy that was decorated and delivered though the
 * order was cancelled). The copy is then made cancelled from the cancel's line.
 */
async function cancelOrMakeCancelled(event: Event, trx: Kysely<OrderManagementTables>): Promise<void> {
  const orderId = orderIdOf(event);
  if (await storeCopies.loadBy(trx, 'orderId', orderId, { lock: true })) return stopWorking(event, trx);
  await copyCancelled(trx, cancelledCopies, orderId, event.data);
}

export const storeOrders = {
  Paid: (event: Event, trx: Kysely<OrderManagementTables>) =>
    copyLine(trx, copies, orderIdOf(event), event.data),
  Ordered: (event: Event, trx: Kysely<OrderManagementTables>) =>
    learnLine(trx, copies, orderIdOf(event), event.data),
  OrderCancelled: cancelOrMakeCancelled,
  // From payment, like Paid, and after it: no copy means none will come.
  PaymentCancelled: stopWorking,
};
