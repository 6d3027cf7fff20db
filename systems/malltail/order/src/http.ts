/**
 * The order's routes: schema first, thin; refusals become HTTP in @bounded/service-kit and below.
 * The caller decides whose orders a request may see, place or cancel: through the gateway a
 * customer sees only their own (another's answers 404 like a missing one), an admin sees all; a
 * direct loopback call (no identity headers) behaves as the seed's service did.
 */
import { currentTraceparent, ForbiddenError } from '@bounded/kernel';
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
import type { PayPort } from './pay-port.ts';
import { toOrder } from './tables.ts';

/**
 * A positive whole number, also as a string of digits: the seed's own calls send them so
 * (`http :8081/orders itemNo=1001` and its siege body `{"itemNo": "1001"}`), and Spring read
 * them into a Long. Anything else ("1.5", "", -1, null) is a 400.
 */
const Count = Type.Union([
  Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  Type.String({ pattern: '^[1-9][0-9]{0,14}$' }),
]);
/** The same for an `integer` column (qty): at most nine digits as a string. */
const SmallCount = Type.Union([
  Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  Type.String({ pattern: '^[1-9][0-9]{0,8}$' }),
]);
const number = (v: number | string | undefined, fallback: number): number =>
  v === undefined ? fallback : Number(v);

/** What a customer sends; server-owned fields (id, orderStatus, dates …) are ignored if present. */
const OrderBody = Type.Object({
  itemNo: Count,
  qty: Type.Optional(SmallCount),
  customerId: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.text })),
  customerName: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.text })),
  customerAddress: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  phoneNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

const SORTABLE = ['id', 'itemNo', 'customerId', 'orderStatus', 'deliveryStatus', 'createDate'] as const;

function customerOrThrow(decision: CustomerDecision): string | null {
  if (decision.ok) return decision.customerId;
  throw new ForbiddenError(decision.rejection.code, decision.rejection.message);
}

export function orderRoutes(ctx: OrderContext, pay: PayPort): void {
  const { app } = ctx;
  const resource = (base: string, order: Order) => halResource(base, '/orders', order, { cancel: 'cancel' });

  app.post('/orders', { schema: { body: OrderBody } }, async (request, reply) => {
    const body = request.body;
    const customerId = customerOrThrow(customerFor(callerOf(request), body.customerId));
    const order = await placeOrderCommand(
      ctx,
      pay,
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
    const hal201 = resource(baseUrlOf(request), order);
    return hal(reply, 201, hal201, hal201._links.self.href);
  });

  app.get('/orders', { schema: { querystring: PagingQuery } }, (request, reply) =>
    replyHalList(ctx.store.db, request, reply, {
      table: 'orders',
      path: '/orders',
      plural: 'orders',
      sortable: SORTABLE,
      filters: { customerId: ownerScope(callerOf(request)) },
      resource: (base, row) => resource(base, toOrder(row)),
    }),
  );

  app.get('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const order = await loadOrder(ctx.store.db, request.params.id);
    if (!order || !mayAccess(callerOf(request), order.customerId)) throw orderNotFound(request.params.id);
    return hal(reply, 200, resource(baseUrlOf(request), order));
  });

  /** The seed's cancel: PUT → 200 with the order, now Canceled; 409 once shipping has started. */
  app.put('/orders/:id/cancel', { schema: { params: IdParams } }, async (request, reply) => {
    const order = await cancelOrderCommand(
      ctx,
      request.params.id,
      callerOf(request),
      currentTraceparent(request),
    );
    return hal(reply, 200, resource(baseUrlOf(request), order));
  });
}
