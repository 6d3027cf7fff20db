/** The shop owner's two actions, accept and reject: load → decide → save + event (decideOnRow). */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { type Decision, decideOnRow, statusRows } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { acceptOrder, rejectOrder, type ShopManagement } from '../domain/shop-management.ts';
import { type ShopTables, toShopManagement } from '../tables.ts';

export const shopActions = {
  accept: acceptOrder,
  reject: rejectOrder,
} satisfies Record<string, (s: ShopManagement) => Decision<ShopManagement, MalltailEvent>>;

export type ShopAction = keyof typeof shopActions;

/** The shop's copies of paid orders: accepting or rejecting changes only the status. */
export const shopManagementRows = statusRows<ShopTables, 'shop_managements', ShopManagement, MalltailEvent>({
  table: 'shop_managements',
  status: 'deliveryStatus',
  toState: toShopManagement,
  notFound: (id) => new NotFoundError('SHOP.NOT_FOUND', `shopManagement ${id} not found`),
  toNewEvent,
});

export function shopCommand(
  ctx: ServiceContext<ShopTables, BaseConfig>,
  id: number,
  action: ShopAction,
  traceparent?: string,
): Promise<ShopManagement> {
  return decideOnRow(ctx, shopManagementRows, id, shopActions[action], traceparent);
}
