/** One use case per store action (accept, decorate, reject): load → decide → save + events. */
import type { BaseConfig, ServiceContext } from '@bounded/kernel';
import { type Decision, decideOnRow, statusRowsOf } from '@bounded/service-kit';
import { type FlowerEvent, toNewEvent } from '../../../events.ts';
import { acceptOrder, decorate, rejectOrder, type StoreOrder } from '../domain/store-order.ts';
import { type OrderManagementTables, storeCopies } from '../tables.ts';

export const storeActions = {
  accept: acceptOrder,
  decorate,
  reject: rejectOrder,
} satisfies Record<string, (order: StoreOrder) => Decision<StoreOrder, FlowerEvent>>;

export type StoreAction = keyof typeof storeActions;

/** The store's copies as rows: a store action changes only the status. */
const storeOrderRows = statusRowsOf<OrderManagementTables, StoreOrder, FlowerEvent>(
  storeCopies,
  'orderStatus',
  toNewEvent,
);

export function changeStatusCommand(
  ctx: ServiceContext<OrderManagementTables, BaseConfig>,
  id: number,
  action: StoreAction,
  traceparent?: string,
): Promise<StoreOrder> {
  return decideOnRow(ctx, storeOrderRows, id, storeActions[action], traceparent);
}
