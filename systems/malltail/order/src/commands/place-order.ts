/**
 * Place an order: number it, pay for it (sync, through the breaker), then save it with its
 * Ordered event in one transaction. Pay down or slow → nothing is saved (the caller gets 503 +
 * Retry-After). Save fails after the payment went through → a PaymentCompensationRequested
 * event (outbox) asks pay to refund, so no paid-but-missing order is left behind.
 */
import { randomUUID } from 'node:crypto';
import { UnavailableError } from '@bounded/kernel';
import { toNewEvent } from '../../../events.ts';
import type { OrderContext } from '../config.ts';
import { type Order, type OrderRequest, placeOrder } from '../domain/order.ts';
import type { PayPort } from '../pay-port.ts';

export async function placeOrderCommand(
  ctx: OrderContext,
  pay: PayPort,
  request: OrderRequest,
  traceparent?: string,
): Promise<Order> {
  const token = randomUUID();
  const numbered = await ctx.store.transaction((trx) =>
    trx.insertInto('order_numbers').values({ token }).returning('id').executeTakeFirstOrThrow(),
  );
  const id = Number(numbered.id);
  const { itemNo, qty, customerId } = request;
  const { paymentId } = await pay.pay({ orderNo: id, itemNo, qty, customerId }, token, traceparent);

  const decision = placeOrder(id, request, paymentId, new Date().toISOString());
  if (!decision.ok) throw new Error('placing a paid order cannot be refused');
  try {
    await ctx.command(async (trx, record) => {
      await trx.insertInto('orders').values(decision.state).execute();
      await record(decision.events.map(toNewEvent));
    }, traceparent);
  } catch (error) {
    ctx.log.error(
      { err: error, orderId: id, paymentId },
      'order not saved after payment; requesting a refund',
    );
    await requestCompensation(ctx, id, paymentId, traceparent);
    throw new UnavailableError(
      'ORDER.NOT_SAVED',
      `order ${id} could not be saved; its payment is being refunded, please order again shortly`,
      1,
    );
  }
  return decision.state;
}

async function requestCompensation(
  ctx: OrderContext,
  orderId: number,
  paymentId: number,
  traceparent?: string,
): Promise<void> {
  try {
    await ctx.command(async (_trx, record) => {
      await record([
        toNewEvent({
          type: 'PaymentCompensationRequested',
          data: { orderId, paymentId, reason: 'order could not be saved after payment' },
        }),
      ]);
    }, traceparent);
  } catch (error) {
    // Both writes failed: the database is gone. Say loudly what must be refunded by hand.
    ctx.log.fatal(
      { err: error, orderId, paymentId },
      'compensation not recorded: refund this payment manually',
    );
  }
}
