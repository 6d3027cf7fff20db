/**
 * Whenever an order is paid, the store receives its copy (requirement 3); whenever it is
 * cancelled or its payment refunded, the store stops working on it.
 */
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { cancelByCustomer } from '../domain/store-order.ts';
import { type OrderManagementTables, toStoreOrder } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function stopWorking(event: Event, trx: Kysely<OrderManagementTables>): Promise<void> {
  const row = await trx
    .selectFrom('ordermanagements')
    .selectAll()
    .where('orderId', '=', orderIdOf(event))
    .forUpdate()
    .executeTakeFirst();
  if (!row) return;
  const next = cancelByCustomer(toStoreOrder(row));
  await trx
    .updateTable('ordermanagements')
    .set({ orderStatus: next.orderStatus })
    .where('id', '=', next.id)
    .execute();
}

export const storeOrders = {
  Paid: async (event: Event, trx: Kysely<OrderManagementTables>) => {
    const { orderId, itemName, qty, itemPrice, storeName, userName } = payloadOf('Paid', event.data);
    const known = await trx
      .selectFrom('ordermanagements')
      .select('id')
      .where('orderId', '=', orderId)
      .executeTakeFirst();
    if (known) return;
    await trx
      .insertInto('ordermanagements')
      .values({ orderId, itemName, qty, itemPrice, storeName, userName, orderStatus: 'Received' })
      .execute();
  },
  OrderCancelled: stopWorking,
  PaymentCancelled: stopWorking,
};
