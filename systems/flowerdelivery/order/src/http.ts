/**
 * The order's routes: schema first, thin; refusals become HTTP in shared/http.ts and below.
 * The caller (shared/caller.ts) decides whose orders a request may see, place or cancel:
 * through the gateway a customer sees only their own (another's answers 404 like a missing
 * one, so its existence is not revealed), an admin sees all; a direct loopback call (no
 * identity headers) behaves as the seed's service did.
 */
import { BadRequestError, currentTraceparent, ForbiddenError } from '@bounded/kernel';
import { baseUrlOf, halResource } from '@bounded/rest';
import {
  callerOf,
  hal,
  IdParams,
  LIMITS,
  mayAccess,
  ownerScope,
  PagingQuery,
  replyHalList,
} from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { cancelOrderCommand } from './commands/cancel-order.ts';
import { loadOrder, orderNotFound } from './commands/load-order.ts';
import { placeOrderCommand } from './commands/place-order.ts';
import type { OrderContext } from './config.ts';
import { type CustomerDecision, customerFor, type Order } from './domain/order.ts';
import type { PaymentPort } from './payment-port.ts';

/**
 * What a customer sends; server-owned fields (id, orderStatus …) are ignored if present.
 * userName may be left out when the caller is known (it is then the caller's name).
 */
const OrderBody = Type.Object({
  itemName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
  storeName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  userName: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.text })),
});

const SORTABLE = ['id', 'itemName', 'storeName', 'userName', 'orderStatus'] as const;

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

export function orderRoutes(ctx: OrderContext, payment: PaymentPort): void {
  const { app } = ctx;
  const resource = (base: string, order: Order) => halResource(base, '/orders', order);

  app.post('/orders', { schema: { body: OrderBody } }, async (request, reply) => {
    const { itemName, qty, itemPrice, storeName } = request.body;
    const userName = customerOrThrow(customerFor(callerOf(request), request.body.userName));
    const order = await placeOrderCommand(
      ctx,
      payment,
      { itemName, qty, itemPrice, storeName, userName },
      currentTraceparent(request),
    );
    const body = resource(baseUrlOf(request), order);
    return hal(reply, 201, body, body._links.self.href);
  });

  app.get('/orders', { schema: { querystring: PagingQuery } }, (request, reply) =>
    replyHalList(ctx.store.db, request, reply, {
      table: 'orders',
      path: '/orders',
      plural: 'orders',
      sortable: SORTABLE,
      filters: { userName: ownerScope(callerOf(request)) },
      resource: (base, row) =>
        resource(base, {
          ...row,
          id: Number(row.id),
          itemPrice: Number(row.itemPrice),
          paymentId: Number(row.paymentId),
        }),
    }),
  );

  app.get('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const order = await loadOrder(ctx.store.db, request.params.id);
    if (!order || !mayAccess(callerOf(request), order.userName)) throw orderNotFound(request.params.id);
    return hal(reply, 200, resource(baseUrlOf(request), order));
  });

  /** The seed's cancel: DELETE → 204; the order stays readable with status OrderCancelled. */
  app.delete('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await cancelOrderCommand(ctx, request.params.id, callerOf(request), currentTraceparent(request));
    return reply.code(204).send();
  });
}
