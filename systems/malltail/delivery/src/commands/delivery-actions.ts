/** The customs officer's actions (approve, reject) and domestic delivery's completion. */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { type Decision, decided } from '@bounded/service-kit';
import { type MalltailEvent, toNewEvent } from '../../../events.ts';
import { approveCustoms, completeDelivery, type Delivery, rejectCustoms } from '../domain/delivery.ts';
import { type DeliveryTables, toDelivery } from '../tables.ts';

export const deliveryActions = {
  approve: approveCustoms,
  reject: rejectCustoms,
  complete: completeDelivery,
} satisfies Record<string, (d: Delivery) => Decision<Delivery, MalltailEvent>>;

export type DeliveryAction = keyof typeof deliveryActions;

export async function deliveryCommand(
  ctx: ServiceContext<DeliveryTables, BaseConfig>,
  id: number,
  action: DeliveryAction,
  traceparent?: string,
): Promise<Delivery> {
  return ctx.command(async (trx, record) => {
    const row = await trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('DELIVERY.NOT_FOUND', `delivery ${id} not found`);
    const { state, events } = decided(deliveryActions[action](toDelivery(row)));
    await trx
      .updateTable('deliveries')
      .set({ deliveryStatus: state.deliveryStatus })
      .where('id', '=', id)
      .execute();
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
