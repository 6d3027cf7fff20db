import { randomUUID } from 'node:crypto';
import { currentTraceparent, NotFoundError } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, LIMITS, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { loadPayment, toPayment } from './commands/load-payment.ts';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PaymentContext } from './config.ts';

const PaymentBody = Type.Object({
  orderId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  itemName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
  itemPrice: Type.Integer({ minimum: 0, maximum: LIMITS.id }),
  storeName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
  userName: Type.String({ minLength: 1, maxLength: LIMITS.text }),
});

const SORTABLE = ['id', 'orderId', 'paymentStatus'] as const;

export function paymentRoutes(ctx: PaymentContext): void {
  const { app } = ctx;

  app.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
    const header = request.headers['idempotency-key'];
    const key = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const { orderId, itemName, qty, itemPrice, storeName, userName } = request.body;
    const { payment } = await makePaymentCommand(
      ctx,
      { orderId, itemName, qty, itemPrice, storeName, userName },
      key,
      currentTraceparent(request),
    );
    const body = halResource(baseUrlOf(request), '/payments', payment);
    return hal(reply, 201, body, body._links.self.href);
  });

  app.get('/payments', { schema: { querystring: PagingQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    let query = ctx.store.db.selectFrom('payments').selectAll().limit(paging.size).offset(paging.offset);
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, count] = await Promise.all([
      query.execute(),
      ctx.store.db
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    const base = baseUrlOf(request);
    const items = rows.map((row) => halResource(base, '/payments', toPayment(row)));
    const page = { number: paging.page, size: paging.size, totalElements: Number(count.n) };
    return hal(reply, 200, halCollection(base, '/payments', 'payments', items, page, { sort: paging.sort }));
  });

  app.get('/payments/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const payment = await loadPayment(ctx.store.db, { id: request.params.id });
    if (!payment) throw new NotFoundError('PAYMENT.NOT_FOUND', `payment ${request.params.id} not found`);
    return hal(reply, 200, halResource(baseUrlOf(request), '/payments', payment));
  });
}
