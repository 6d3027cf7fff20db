/** One use case per store action (accept, decorate, reject): load → decide → save + events. */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { type Decision, decided } from '@bounded/service-kit';
import { type FlowerEvent, toNewEvent } from '../../../events.ts';
import { acceptOrder, decorate, rejectOrder, type StoreOrder } from '../domain/store-order.ts';
import { type OrderManagementTables, toStoreOrder } from '../tables.ts';

export const storeActions = {
  accept: acceptOrder,
  decorate,
  reject: rejectOrder,
} satisfies Record<string, (order: StoreOrder) => Decision<StoreOrder, FlowerEvent>>;

export type StoreAction = keyof typeof storeActions;

export async function changeStatusCommand(
  ctx: ServiceContext<OrderManagementTables, BaseConfig>,
  id: number,
  action: StoreAction,
  traceparent?: string,
): Promise<StoreOrder> {
  return ctx.command(async (trx, record) => {
    const row = await trx
      .selectFrom('ordermanagements')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('ORDERMANAGEMENT.NOT_FOUND', `ordermanagement ${id} not found`);
    const { state, events } = decided(storeActions[action](toStoreOrder(row)));
    await trx
      .updateTable('ordermanagements')
      .set({ orderStatus: state.orderStatus })
      .where('id', '=', id)
      .execute();
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
