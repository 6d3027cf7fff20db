/** The shop owner's two actions, accept and reject: load → decide → save + event (decideOnRow). */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Decision, decideOnRow, statusRowsOf } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { acceptOrder, rejectOrder, type ShopManagement } from '../domain/shop-management.ts';
import { type ShopTables, shopManagements } from '../tables.ts';

export const shopActions = {
  accept: acceptOrder,
  reject: rejectOrder,
} satisfies Record<string, (s: ShopManagement) => Decision<ShopManagement, MalltailEvent>>;

export type ShopAction = keyof typeof shopActions;

/** The shop's copies of paid orders: accepting or rejecting changes only the status. */
const shopManagementRows = statusRowsOf<ShopTables, ShopManagement, MalltailEvent>(
  shopManagements,
  'deliveryStatus',
  toNewEvent,
);

export function shopCommand(
  ctx: ServiceContext<ShopTables, BaseConfig>,
  id: number,
  action: ShopAction,
  traceparent?: string,
): Promise<ShopManagement> {
  return decideOnRow(ctx, shopManagementRows, id, shopActions[action], traceparent);
}
