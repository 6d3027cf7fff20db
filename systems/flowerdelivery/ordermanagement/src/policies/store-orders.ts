/**
 * Whenever an order is paid, the store receives its copy (requirement 3); whenever it is
 * cancelled or its payment refunded, the store stops working on it.
 */
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { cancelByCustomer } from '../domain/store-order.ts';
import { type OrderManagementTables, storeCopies } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function stopWorking(event: Event, trx: Kysely<OrderManagementTables>): Promise<void> {
  const row = await storeCopies.loadBy(trx, 'orderId', orderIdOf(event), { lock: true });
  if (!row) return;
  const next = cancelByCustomer(row);
  await storeCopies.update(trx, next.id, { orderStatus: next.orderStatus });
}

export const storeOrders = {
  Paid: async (event: Event, trx: Kysely<OrderManagementTables>) => {
    const { orderId, itemName, qty, itemPrice, storeName, userName } = payloadOf('Paid', event.data);
    if (await storeCopies.loadBy(trx, 'orderId', orderId)) return;
    const line = { orderId, itemName, qty, itemPrice, storeName, userName };
    await storeCopies.insert(trx, { ...line, orderStatus: 'Received' });
  },
  OrderCancelled: stopWorking,
  PaymentCancelled: stopWorking,
};
