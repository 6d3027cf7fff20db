/** The rider's two actions: start and complete a delivery. */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { type Decision, decided } from '@bounded/service-kit';
import { type FlowerEvent, toNewEvent } from '../../../events.ts';
import { completeDelivery, type Delivery, startDelivery } from '../domain/delivery.ts';
import { type DeliveryTables, toDelivery } from '../tables.ts';

export const riderActions = {
  start: startDelivery,
  complete: completeDelivery,
} satisfies Record<string, (d: Delivery) => Decision<Delivery, FlowerEvent>>;

export type RiderAction = keyof typeof riderActions;

export async function rideCommand(
  ctx: ServiceContext<DeliveryTables, BaseConfig>,
  id: number,
  action: RiderAction,
  traceparent?: string,
): Promise<Delivery> {
  return ctx.command(async (trx, record) => {
    const row = await trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('DELIVERY.NOT_FOUND', `delivery ${id} not found`);
    const { state, events } = decided(riderActions[action](toDelivery(row)));
    await trx
      .updateTable('deliveries')
      .set({ deliveryStatus: state.deliveryStatus })
      .where('id', '=', id)
      .execute();
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
