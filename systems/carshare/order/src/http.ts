/**
 * The order's routes: schema first, thin. Through the gateway a customer rents for themselves
 * and sees only their own rentals (another's answers 404 like a missing one); an operator sees
 * all; a direct loopback call (no identity headers) behaves as the seed's service did.
 */
import { currentTraceparent, ForbiddenError } from '@bounded/kernel';
import { baseUrlOf } from '@bounded/rest';
import { callerOf, hal, type PaidOrders, resourceRoutes } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { Count, CustomerId, customerFor, Id, toNumber } from '../../fields.ts';
import type { OrderContext } from './config.ts';
import type { Order, RentalRequest } from './domain/order.ts';
import { orders } from './resources.ts';

/** What a customer sends (the seed: productId, qty); server-owned fields (status="order") are ignored. */
const RentalBody = Type.Object({
  productId: Id,
  qty: Type.Optional(Count),
  customerId: Type.Optional(CustomerId),
});

export function orderRoutes(ctx: OrderContext, placing: PaidOrders<RentalRequest, Order>): void {
  const { app } = ctx;

  app.post('/orders', { schema: { body: RentalBody } }, async (request, reply) => {
    const { productId, qty, customerId: named } = request.body;
    const customer = customerFor(callerOf(request), named);
    if (!customer.ok) throw new ForbiddenError(customer.rejection.code, customer.rejection.message);
    const order = await placing.place(
      {
        productId: toNumber(productId),
        qty: qty === undefined ? 1 : toNumber(qty),
        customerId: customer.customerId,
      },
      currentTraceparent(request),
    );
    const body = orders.resource(baseUrlOf(request), order);
    return hal(reply, 201, body, (body._links as { self: { href: string } }).self.href);
  });

  resourceRoutes(app, ctx.store.db, orders);
}
