/**
 * The order's routes: schema first, thin; refusals become HTTP in @bounded/service-kit and below.
 * The caller decides whose orders a request may see, place or cancel: through the gateway a
 * customer sees only their own (another's answers 404 like a missing one), an admin sees all; a
 * direct loopback call (no identity headers) behaves as the seed's service did.
 */
import { currentTraceparent, ForbiddenError } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, IdParams, type PaidOrders, resourceRoutes } from '@bounded/service-kit';
import { type TNull, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { lineFields, recipientFields } from '../../order-line.ts';
import { cancelOrderCommand } from './commands/cancel-order.ts';
import type { OrderContext } from './config.ts';
import { type CustomerDecision, customerFor, type Order, type OrderRequest } from './domain/order.ts';
import { orders } from './tables.ts';

/**
 * A positive whole number, also as a string of digits: the seed's own calls send them so
 * (`http :8081/orders itemNo=1001` and its siege body `{"itemNo": "1001"}`), and Spring read
 * them into a Long. Anything else ("1.5", "", -1, null) is a 400. The declared field's limits,
 * and at most as many digits as they allow (15 for a `bigint` column, 9 for an `integer` one).
 * TODO(resource): createBody cannot take a number as digits; this body is built by hand.
 */
const Count = Type.Union([lineFields.itemNo, Type.String({ pattern: '^[1-9][0-9]{0,14}$' })]);
const SmallCount = Type.Union([lineFields.qty, Type.String({ pattern: '^[1-9][0-9]{0,8}$' })]);
const number = (v: number | string | undefined, fallback: number): number =>
  v === undefined ? fallback : Number(v);
/** A nullable declared field as an optional body field: left out, never null. */
const optional = <T extends TSchema>(field: TUnion<[T, TNull]>) => Type.Optional(field.anyOf[0]);

/** What a customer sends; server-owned fields (id, orderStatus, dates …) are ignored if present. */
const OrderBody = Type.Object({
  itemNo: Count,
  qty: Type.Optional(SmallCount),
  customerId: optional(lineFields.customerId),
  customerName: optional(recipientFields.customerName),
  customerAddress: optional(recipientFields.customerAddress),
  phoneNumber: optional(recipientFields.phoneNumber),
});

function customerOrThrow(decision: CustomerDecision): string | null {
  if (decision.ok) return decision.customerId;
  throw new ForbiddenError(decision.rejection.code, decision.rejection.message);
}

export function orderRoutes(ctx: OrderContext, placing: PaidOrders<OrderRequest, Order>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, orders);

  app.post('/orders', { schema: { body: OrderBody } }, async (request, reply) => {
    const body = request.body;
    const customerId = customerOrThrow(customerFor(callerOf(request), body.customerId));
    const order = await placing.place(
      {
        itemNo: number(body.itemNo, 1),
        qty: number(body.qty, 1),
        customerId,
        customerName: body.customerName ?? null,
        customerAddress: body.customerAddress ?? null,
        phoneNumber: body.phoneNumber ?? null,
      },
      currentTraceparent(request),
    );
    const hal201 = orders.resource(baseUrlOf(request), order);
    return hal(reply, 201, hal201, hal201._links.self.href);
  });

  /** The seed's cancel: PUT → 200 with the order, now Canceled; 409 once shipping has started. */
  app.put('/orders/:id/cancel', { schema: { params: IdParams } }, async (request, reply) => {
    const order = await cancelOrderCommand(
      ctx,
      request.params.id,
      callerOf(request),
      currentTraceparent(request),
    );
    return hal(reply, 200, orders.resource(baseUrlOf(request), order));
  });
}
