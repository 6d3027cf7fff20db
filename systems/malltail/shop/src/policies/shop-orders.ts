/**
 * Whenever an order is paid, the shop owner receives its copy, Ready (the seed's
 * orderInfoUpdate); whenever it is cancelled, or its payment compensated, the owner sees it
 * cancelled (requirement 8).
 */
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { cancelByCustomer } from '../domain/shop-management.ts';
import { type ShopTables, toShopManagement } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function cancel(event: Event, trx: Kysely<ShopTables>): Promise<void> {
  const row = await trx
    .selectFrom('shop_managements')
    .selectAll()
    .where('orderNo', '=', orderIdOf(event))
    .forUpdate()
    .executeTakeFirst();
  if (!row) return;
  const next = cancelByCustomer(toShopManagement(row));
  await trx
    .updateTable('shop_managements')
    .set({ deliveryStatus: next.deliveryStatus })
    .where('id', '=', next.id)
    .execute();
}

export const shopOrders = {
  OrderPaid: async (event: Event, trx: Kysely<ShopTables>) => {
    const { orderNo, itemNo, qty, customerId } = payloadOf('OrderPaid', event.data);
    const known = await trx
      .selectFrom('shop_managements')
      .select('id')
      .where('orderNo', '=', orderNo)
      .executeTakeFirst();
    if (known) return;
    await trx
      .insertInto('shop_managements')
      .values({ orderNo, itemNo, qty, customerId, deliveryStatus: 'Ready' })
      .execute();
  },
  OrderCanceled: cancel,
  PaymentCanceled: async (event: Event, trx: Kysely<ShopTables>) => {
    if (payloadOf('PaymentCanceled', event.data).reason === 'Compensation') await cancel(event, trx);
  },
};
