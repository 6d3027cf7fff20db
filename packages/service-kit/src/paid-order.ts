/**
 * Placing an order that is paid synchronously: number it, pay for it (through the breaker),
 * then save it with its events in one transaction. Payment down → nothing is saved (the caller
 * gets 503). Save fails after the payment went through → a compensation event (outbox) asks
 * payment to refund, so no paid-but-missing order is left behind.
 *
 * The system keeps its business: what the order is, what paying means, which event asks for
 * the refund. This file keeps only the order of the steps and what happens when one fails.
 */
import { randomUUID } from 'node:crypto';
import { type RecordEvents, type ServiceContext, UnavailableError } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import type { Decision } from './decision.ts';

/** The outbox's shape of an event, as `RecordEvents` takes it. */
export type OutboxEvent = Parameters<RecordEvents>[0][number];

export interface PaidOrderSteps<DB, S, E> {
  /** Reserves the order's id under `token` (also the payment's idempotency key). */
  number(token: string): Promise<number>;
  /** Takes the payment; rejects with a 503-shaped error when payment cannot answer. */
  pay(orderId: number, idempotencyKey: string): Promise<{ paymentId: number }>;
  /** The pure decision: the paid order and its events. */
  decide(orderId: number, paymentId: number): Decision<S, E>;
  /** Writes the order's row inside the command's transaction. */
  save(trx: Kysely<DB>, order: S): Promise<unknown>;
  /** The system's event asking payment to refund an order that could not be saved. */
  compensation(orderId: number, paymentId: number): E;
  toNewEvent(event: E): OutboxEvent;
}

type OrderServiceContext<DB> = Pick<ServiceContext<DB, unknown>, 'command' | 'log'>;

export async function placePaidOrder<DB, S, E>(
  ctx: OrderServiceContext<DB>,
  steps: PaidOrderSteps<DB, S, E>,
  traceparent?: string,
): Promise<S> {
  const token = randomUUID();
  const id = await steps.number(token);
  const { paymentId } = await steps.pay(id, token);

  const decision = steps.decide(id, paymentId);
  if (!decision.ok) throw new Error('placing a paid order cannot be refused');
  try {
    await ctx.command(async (trx, record) => {
      await steps.save(trx, decision.state);
      await record(decision.events.map(steps.toNewEvent));
    }, traceparent);
  } catch (error) {
    ctx.log.error(
      { err: error, orderId: id, paymentId },
      'order not saved after payment; requesting a refund',
    );
    await requestCompensation(ctx, steps, id, paymentId, traceparent);
    throw new UnavailableError(
      'ORDER.NOT_SAVED',
      `order ${id} could not be saved; its payment is being refunded, please order again shortly`,
      1,
    );
  }
  return decision.state;
}

async function requestCompensation<DB, S, E>(
  ctx: OrderServiceContext<DB>,
  steps: PaidOrderSteps<DB, S, E>,
  orderId: number,
  paymentId: number,
  traceparent?: string,
): Promise<void> {
  try {
    await ctx.command(async (_trx, record) => {
      await record([steps.toNewEvent(steps.compensation(orderId, paymentId))]);
    }, traceparent);
  } catch (error) {
    // Both writes failed: the database is gone. Say loudly what must be refunded by hand.
    ctx.log.fatal(
      { err: error, orderId, paymentId },
      'compensation not recorded: refund this payment manually',
    );
  }
}
