/**
 * Placing an order that is paid synchronously, as a saga of one remote step (pay) whose progress
 * is kept in the service's own database, so that no kill -9 leaves a payment without its order:
 *  - number the order, start its saga (a row: the request, the order's number), pay under the
 *    saga's idempotency key, then save the order with its events and the saga's end in ONE
 *    transaction;
 *  - payment refused, or certainly not reached (breaker open, connection refused) → nothing is
 *    saved, the caller gets that error (503 + Retry-After for an unavailable payment); when the
 *    client can tell beforehand (its bulkhead full, its breaker open), before anything is written;
 *  - payment's answer lost (a timeout) → the saga stays in doubt (503 + Retry-After) and its
 *    resume loop asks payment again under the same key until it answers: paid → the order is
 *    saved; refused → nothing;
 *  - the process killed after paying and before saving → the resume loop, once the dead
 *    driver's lease ran out, asks payment again under the same key (it answers the same payment)
 *    and saves the order — forward, not refunded: the customer's payment became their order;
 *  - the save fails in-process after paying → a compensation event (outbox) asks payment to
 *    refund, in one transaction with the saga's end, and the caller gets 503 ORDER.NOT_SAVED.
 *
 * The system keeps its business: what the order is, what paying means, which event asks for
 * the refund. This file keeps only the order of the steps and what happens when one fails.
 */
import { type AppError, type RecordEvents, UnavailableError } from '@bounded/kernel';
import type { Kysely } from 'kysely';
import type { Decision } from './decision.ts';
import { type SagaContext, type SagaRunnerOptions, sagaRunner } from './saga.ts';

/** The outbox's shape of an event, as `RecordEvents` takes it. */
export type OutboxEvent = Parameters<RecordEvents>[0][number];

export interface PaidOrderSteps<DB, I, S, E> {
  /** Names the saga's rows (e.g. 'placeOrder'). */
  readonly name: string;
  /** Reserves the next order number (before paying: the payment names the order). */
  number(): Promise<number>;
  /** Takes the payment; rejects with the http-client's errors. Same key → same payment. */
  pay(
    orderId: number,
    input: I,
    idempotencyKey: string,
    traceparent?: string,
  ): Promise<{ paymentId: number }>;
  /**
   * The refusal `pay` would meet now without reaching the callee (the http-client's
   * `refusalNow`: its bulkhead full, its breaker open). Asked before anything is written: under
   * overload a refused order then costs no rows written and compensated, no lines logged.
   */
  refusalNow?(): Error | undefined;
  /** The pure decision: the paid order and its events. */
  decide(orderId: number, input: I, paymentId: number): Decision<S, E>;
  /** Writes the order's row inside the saga's last transaction. */
  save(trx: Kysely<DB>, order: S): Promise<unknown>;
  /** The system's event asking payment to refund an order that could not be saved. */
  compensation(orderId: number, paymentId: number): E;
  toNewEvent(event: E): OutboxEvent;
  /** The refusal when the order could not be saved after payment (default: 503 ORDER.NOT_SAVED). */
  notSaved?(orderId: number): AppError;
}

/** `place(input)` answers the saved order; `input` is kept as JSON in the saga's row. */
export interface PaidOrders<I, S> {
  place(input: I, traceparent?: string): Promise<S>;
}

interface PaidOrderInput<I> {
  readonly orderId: number;
  readonly request: I;
  readonly traceparent?: string;
}

/**
 * Defines the service's paid-order saga (call it in setup: its resume loop starts with the
 * service). The service's migrations must include `sagaMigrations`.
 */
export function paidOrders<DB, I, S, E>(
  ctx: SagaContext<DB>,
  steps: PaidOrderSteps<DB, I, S, E>,
  options: SagaRunnerOptions = {},
): PaidOrders<I, S> {
  const notSaved =
    steps.notSaved ??
    ((orderId: number) =>
      new UnavailableError(
        'ORDER.NOT_SAVED',
        `order ${orderId} could not be saved; its payment is being refunded, please order again shortly`,
        1,
      ));
  const saga = sagaRunner(ctx, options).define<PaidOrderInput<I>, S>({
    name: steps.name,
    steps: [
      {
        name: 'pay',
        run: (input, key) => steps.pay(input.orderId, input.request, key, input.traceparent),
        async compensate(_trx, record, input, result) {
          const { paymentId } = result as { paymentId: number };
          await record([steps.toNewEvent(steps.compensation(input.orderId, paymentId))]);
        },
      },
    ],
    async complete(trx, record, input, results) {
      const { paymentId } = results.pay as { paymentId: number };
      const decision = steps.decide(input.orderId, input.request, paymentId);
      if (!decision.ok) throw new Error('placing a paid order cannot be refused');
      await steps.save(trx, decision.state);
      await record(decision.events.map(steps.toNewEvent));
      return decision.state;
    },
    whenCompleteFails: (input) => notSaved(input.orderId),
  });
  return {
    async place(request, traceparent) {
      const refusal = steps.refusalNow?.();
      if (refusal) throw refusal;
      const orderId = await steps.number();
      return saga.run({ orderId, request, traceparent }, { correlation: String(orderId), traceparent });
    },
  };
}
