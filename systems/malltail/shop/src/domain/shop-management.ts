/**
 * ShopManagement: the shop owner's copy of a paid order (requirement 3), which the owner accepts
 * (it can be shipped) or rejects (requirement 4, 13). Pure. Accepting does not itself start the
 * shipping: the order decides that, on the same row as a cancel (see order/src/domain/order.ts).
 */
import { accept, type Decision, refuse } from '@bounded/service-kit';
import type { MalltailEvent } from '../../../events.ts';

export const SHOP_STATUSES = ['Ready', 'Accepted', 'Rejected', 'Canceled'] as const;
export type ShopStatus = (typeof SHOP_STATUSES)[number];

export interface ShopManagement {
  readonly id: number;
  readonly orderNo: number;
  readonly itemNo: number;
  readonly qty: number;
  readonly customerId: string | null;
  readonly deliveryStatus: ShopStatus;
}

type ShopDecision = Decision<ShopManagement, MalltailEvent>;

function closed(s: ShopManagement): ShopDecision | undefined {
  if (s.deliveryStatus === 'Canceled')
    return refuse('SHOP.ORDER_CANCELED', `order ${s.orderNo} was cancelled by the customer`);
  if (s.deliveryStatus === 'Rejected')
    return refuse('SHOP.ALREADY_REJECTED', `order ${s.orderNo} was rejected`);
  if (s.deliveryStatus === 'Accepted')
    return refuse('SHOP.ALREADY_ACCEPTED', `order ${s.orderNo} was accepted`);
  return undefined;
}

export function acceptOrder(s: ShopManagement): ShopDecision {
  const refused = closed(s);
  if (refused) return refused;
  const { id, orderNo, itemNo } = s;
  return accept({ ...s, deliveryStatus: 'Accepted' }, [
    { type: 'OrderAccepted', data: { id, orderId: orderNo, orderNo, itemNo, deliveryStatus: 'Accepted' } },
  ]);
}

export function rejectOrder(s: ShopManagement): ShopDecision {
  const refused = closed(s);
  if (refused) return refused;
  const { id, orderNo, itemNo } = s;
  return accept({ ...s, deliveryStatus: 'Rejected' }, [
    { type: 'OrderRejected', data: { id, orderId: orderNo, orderNo, itemNo, deliveryStatus: 'Rejected' } },
  ]);
}

/**
 * The customer cancelled (or the payment was compensated): the owner sees the order cancelled
 * (requirement 8). An accepted copy is cancelled too: the cancel won at the order, so nothing shipped.
 */
export function cancelByCustomer(s: ShopManagement): ShopManagement {
  return s.deliveryStatus === 'Ready' || s.deliveryStatus === 'Accepted'
    ? { ...s, deliveryStatus: 'Canceled' }
    : s;
}
