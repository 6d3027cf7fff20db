import { randomUUID } from 'node:crypto';
import { currentTraceparent, NotFoundError } from '@bounded/kernel';
import { baseUrlOf, halCollection, halResource, parsePaging } from '@bounded/rest';
import { hal, IdParams, LIMITS, PagingQuery } from '@bounded/service-kit';
import { Type } from '@sinclair/typebox';
import { loadPayment } from './commands/load-payment.ts';
import { makePaymentCommand } from './commands/make-payment.ts';
import type { PayContext } from './config.ts';
import { toPayment } from './tables.ts';

/** The seed's Payment body (orderNo, itemNo; paystatus is the server's and ignored). */
const PaymentBody = Type.Object({
  orderNo: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  itemNo: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
  qty: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.int })),
  customerId: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: LIMITS.text }), Type.Null()])),
});
const ListQuery = Type.Composite([
  PagingQuery,
  Type.Object({ orderNo: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.id })) }),
]);

const SORTABLE = ['id', 'orderNo', 'paystatus'] as const;

export function payRoutes(ctx: PayContext): void {
  const { app } = ctx;

  app.post('/payments', { schema: { body: PaymentBody } }, async (request, reply) => {
    const header = request.headers['idempotency-key'];
    const key = (Array.isArray(header) ? header[0] : header) || randomUUID();
    const { orderNo, itemNo, qty, customerId } = request.body;
    const { payment } = await makePaymentCommand(
      ctx,
      { orderNo, itemNo, qty: qty ?? 1, customerId: customerId ?? null },
      key,
      currentTraceparent(request),
    );
    const body = halResource(baseUrlOf(request), '/payments', payment);
    return hal(reply, 201, body, body._links.self.href);
  });

  app.get('/payments', { schema: { querystring: ListQuery } }, async (request, reply) => {
    const paging = parsePaging(request.query, { sortable: SORTABLE });
    const { orderNo } = request.query;
    let query = ctx.store.db.selectFrom('payments').selectAll().limit(paging.size).offset(paging.offset);
    let count = ctx.store.db.selectFrom('payments').select((eb) => eb.fn.countAll<number>().as('n'));
    if (orderNo !== undefined) {
      query = query.where('orderNo', '=', orderNo);
      count = count.where('orderNo', '=', orderNo);
    }
    for (const s of paging.sort) query = query.orderBy(s.field as (typeof SORTABLE)[number], s.direction);
    if (paging.sort.length === 0) query = query.orderBy('id', 'asc');
    const [rows, total] = await Promise.all([query.execute(), count.executeTakeFirstOrThrow()]);
    const base = baseUrlOf(request);
    const items = rows.map((row) => halResource(base, '/payments', toPayment(row)));
    const page = { number: paging.page, size: paging.size, totalElements: Number(total.n) };
    return hal(reply, 200, halCollection(base, '/payments', 'payments', items, page, { sort: paging.sort }));
  });

  app.get('/payments/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const payment = await loadPayment(ctx.store.db, { id: request.params.id });
    if (!payment) throw new NotFoundError('PAYMENT.NOT_FOUND', `payment ${request.params.id} not found`);
    return hal(reply, 200, halResource(baseUrlOf(request), '/payments', payment));
  });
}
