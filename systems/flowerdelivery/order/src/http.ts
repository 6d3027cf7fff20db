/** The order's routes: schema first, thin; refusals become HTTP in shared/http.ts. */
import { currentTraceparent, NotFoundError } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { Type } from '@sinclair/typebox';
import { hal, IdParams, PagingQuery } from '../../shared/http.ts';
import { cancelOrderCommand } from './commands/cancel-order.ts';
import { loadOrder } from './commands/load-order.ts';
import { placeOrderCommand } from './commands/place-order.ts';
import type { OrderContext } from './config.ts';
import type { Order } from './domain/order.ts';
import type { PaymentPort } from './payment-port.ts';

/** What a customer sends; server-owned fields (id, orderStatus …) are ignored if present. */
const OrderBody = Type.Object({
  itemName: Type.String({ minLength: 1 }),
  qty: Type.Integer({ minimum: 1 }),
  itemPrice: Type.Integer({ minimum: 0 }),
  storeName: Type.String({ minLength: 1 }),
  userName: Type.String({ minLength: 1 }),
});

const SORTABLE = ['id', 'itemName', 'storeName', 'userName', 'orderStatus'] as const;

export function orderRoutes(ctx: OrderContext, payment: PaymentPort): void {
  const { app } = ctx;
  const resource = (base: string, order: Order) => halResource(base, '/orders', order);

  app.post('/orders', { schema: { body: OrderBody } }, async (request, reply) => {
    const { itemName, qty, itemPrice, storeName, userName } = request.body;
    const order = await placeOrderCommand(
      ctx,
      payment,
      { itemName, qty, itemPrice, storeName, userName },
      currentTraceparent(request),
    );
    const body = resource(baseUrlOf(request), order);
    return hal(reply, 201, body, body._links.self.href);
  });

  app.get('/orders', { schema: { querystring: PagingQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    let query = ctx.store.db.selectFrom('orders').selectAll().limit(paging.size).offset(paging.offset);
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, count] = await Promise.all([
      query.execute(),
      ctx.store.db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    const base = baseUrlOf(request);
    const items = rows.map((row) =>
      resource(base, {
        ...row,
        id: Number(row.id),
        itemPrice: Number(row.itemPrice),
        paymentId: Number(row.paymentId),
      }),
    );
    return hal(
      reply,
      200,
      halCollection(
        base,
        '/orders',
        'orders',
        items,
        { number: paging.page, size: paging.size, totalElements: Number(count.n) },
        { sort: paging.sort },
      ),
    );
  });

  app.get('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const order = await loadOrder(ctx.store.db, request.params.id);
    if (!order) throw new NotFoundError('ORDER.NOT_FOUND', `order ${request.params.id} not found`);
    return hal(reply, 200, resource(baseUrlOf(request), order));
  });

  /** The seed's cancel: DELETE → 204; the order stays readable with status OrderCancelled. */
  app.delete('/orders/:id', { schema: { params: IdParams } }, async (request, reply) => {
    await cancelOrderCommand(ctx, request.params.id, currentTraceparent(request));
    return reply.code(204).send();
  });
}
