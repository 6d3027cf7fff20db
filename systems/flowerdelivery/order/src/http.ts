/**
 * The order's routes: schema first, thin; refusals become HTTP in shared/http.ts and below.
 * The caller (shared/caller.ts) decides whose orders a request may see, place or cancel:
 * through the gateway a customer sees only their own (another's answers 404 like a missing
 * one, so its existence is not revealed), an admin sees all; a direct loopback call (no
 * identity headers) behaves as the seed's service did.
 */
import { BadRequestError, currentTraceparent, ForbiddenError } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, IdParams, type PaidOrders, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { orderLineFields } from '../../order-line.ts';
import { cancelOrderCommand } from './commands/cancel-order.ts';
import type { OrderContext } from './config.ts';
import { type CustomerDecision, customerFor, type Order, type OrderRequest } from './domain/order.ts';
import { orders } from './tables.ts';

/**
 * What a customer sends; server-owned fields (id, orderStatus …) are ignored if present.
 * userName may be left out when the caller is known (it is then the caller's name).
 */
const OrderBody = Type.Object({ ...orderLineFields, userName: Type.Optional(orderLineFields.userName) });

/** A refused customer becomes HTTP here: someone else's name → 403, none at all → 400. */
function customerOrThrow(decision: CustomerDecision): string {
  if (decision.ok) return decision.userName;
  const { code, message } = decision.rejection;
  if (code === 'ORDER.NOT_YOURS') throw new ForbiddenError(code, message);
  // Same shape as the schema's own 400 (a direct call must still name the customer).
  throw new BadRequestError('REQUEST.INVALID', `Invalid request: ${message}`, [
    { field: 'userName', message: 'is required' },
  ]);
}

export function orderRoutes(ctx: OrderContext, placing: PaidOrders<OrderRequest, Order>): void {
  const { app } = ctx;
  resourceRoutes(app, ctx.store.db, orders);

  app.post('/orders', { schema: { body: OrderBody } }, async (request, reply) => {
    const { itemName, qty, itemPrice, storeName } = request.body;
    const userName = customerOrThrow(customerFor(callerOf(request), request.body.userName));
    const order = await placing.place(
      { itemName, qty, itemPrice, storeName, userName },
      currentTraceparent(request),
    );
    const body = orders.resource(baseUrlOf(request), order);
    return hal(reply, 201, body, body._links.self.href);
  });

  /** The seed's cancel: DELETE → 204; the order stays readable with status OrderCancelled. */
  app.delete('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await cancelOrderCommand(ctx, request.params.id, callerOf(request), currentTraceparent(request));
    return reply.code(204).send();
  });
}
