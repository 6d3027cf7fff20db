/** The forwarding warehouse reports the parcel's arrival: load → decide → save + event. */
import { type BaseConfig, NotFoundError, type ServiceContext } from '@bounded/kernel';
import { decided } from '@bounded/service-kit';
import { toNewEvent } from '../../../events.ts';
import { completeShipping, type Shipping } from '../domain/shipping.ts';
import { type ShippingTables, toShipping } from '../tables.ts';

export async function completeShippingCommand(
  ctx: ServiceContext<ShippingTables, BaseConfig>,
  id: number,
  traceparent?: string,
): Promise<Shipping> {
  return ctx.command(async (trx, record) => {
    const row = await trx
      .selectFrom('shippings')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFoundError('SHIPPING.NOT_FOUND', `shipping ${id} not found`);
    const { state, events } = decided(completeShipping(toShipping(row)));
    await trx
      .updateTable('shippings')
      .set({ shippingStatus: state.shippingStatus })
      .where('id', '=', id)
      .execute();
    await record(events.map(toNewEvent));
    return state;
  }, traceparent);
}
