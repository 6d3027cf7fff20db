/** The shop owner's two actions, accept and reject: load → decide → save + event, one transaction. */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { type Decision, decided } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { acceptOrder, rejectOrder, type ShopManagement } from '../domain/shop-management.ts';
import { type ShopTables, toShopManagement } from '../tables.ts';

export const shopActions = {
  accept: acceptOrder,
  reject: rejectOrder,
} satisfies Record<string, (s: ShopManagement) => Decision<ShopManagement, MalltailEvent>>;

export type ShopAction = keyof typeof shopActions;

export async function shopCommand(
  ctx: ServiceContext<ShopTables, BaseConfig>,
  id: number,
  action: ShopAction,
  traceparent?: string,
): Promise<ShopManagement> {
  return ctx.command(async (trx, record) => {
    const row = await trx.selectFrom('shop_managements').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('SHOP.NOT_FOUND', `shopManagement ${id} not found`);
    const { state, events } = decided(shopActions[action](toShopManagement(row)));
    await trx
      .updateTable('shop_managements')
      .set({ deliveryStatus: state.deliveryStatus })
      .where('id', '=', id)
      .execute();
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
