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

/**
 * The customer's cancel may arrive before the copy: OrderCanceled comes from the order service,
 * OrderPaid from pay, and a pay instance killed before its outbox sent OrderPaid lets the cancel
 * overtake it (seen by the chaos tier: the late copy was accepted and shipped). The copy is then
 * made cancelled from the cancel, and the late OrderPaid finds it there.
 */
async function cancelOrMakeCancelled(event: Event, trx: Kysely<ShopTables>): Promise<void> {
  const { orderId, itemNo, qty, customerId } = payloadOf('OrderCanceled', event.data);
  if (await shopManagements.loadBy(trx, 'orderNo', orderId)) return cancel(event, trx);
  if (itemNo === undefined) return; // a cancel naming no item (an older peer's): nothing to copy
  await shopManagements.insert(trx, {
    orderNo: orderId,
    itemNo,
    qty,
    customerId,
    deliveryStatus: 'Canceled',
  });
}

export const shopOrders = {
  OrderPaid: async (event: Event, trx: Kysely<ShopTables>) => {
    const { orderNo, itemNo, qty, customerId } = payloadOf('OrderPaid', event.data);
    if (await shopManagements.loadBy(trx, 'orderNo', orderNo)) return;
    await shopManagements.insert(trx, { orderNo, itemNo, qty, customerId, deliveryStatus: 'Ready' });
  },
  OrderCanceled: cancelOrMakeCancelled,
  PaymentCanceled: async (event: Event, trx: Kysely<ShopTables>) => {
    if (payloadOf('PaymentCanceled', event.data).reason === 'Compensation') await cancel(event, trx);
  },
};
