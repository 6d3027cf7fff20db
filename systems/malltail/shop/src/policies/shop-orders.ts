/**
 * Whenever an order is paid, the shop owner receives its copy, Ready (the seed's
 * orderInfoUpdate); whenever it is cancelled, or its payment compensated, the owner sees it
 * cancelled (requirement 8).
 */
import type { Kysely } from 'kysely';
import { orderIdOf, payloadOf } from '../../../events.ts';
import { cancelByCustomer } from '../domain/shop-management.ts';
import { type ShopTables, shopManagements } from '../tables.ts';

type Event = { key: string; data: Readonly<Record<string, unknown>> };

async function cancel(event: Event, trx: Kysely<ShopTables>): Promise<void> {
  const row = await shopManagements.loadBy(trx, 'orderNo', orderIdOf(event), { lock: true });
  if (!row) return;
  const next = cancelByCustomer(row);
  await shopManagements.update(trx, next.id, { deliveryStatus: next.deliveryStatus });
}

export const shopOrders = {
  OrderPaid: async (event: Event, trx: Kysely<ShopTables>) => {
    const { orderNo, itemNo, qty, customerId } = payloadOf('OrderPaid', event.data);
    if (await shopManagements.loadBy(trx, 'orderNo', orderNo)) return;
    await shopManagements.insert(trx, { orderNo, itemNo, qty, customerId, deliveryStatus: 'Ready' });
  },
  OrderCanceled: cancel,
  PaymentCanceled: async (event: Event, trx: Kysely<ShopTables>) => {
    if (payloadOf('PaymentCanceled', event.data).reason === 'Compensation') await cancel(event, trx);
  },
};
