/**
 * A service built on the kernel, end to end in one process (store, outbox relay, embedded bus,
 * consumer, parking): service.test.ts runs it on SQLite, service.engines.test.ts on PostgreSQL
 * and MariaDB. `envOf` answers the env of a new service (DATA_DIR and maybe DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from '@bounded/store';
import { Type } from '@sinclair/typebox';
import { type BuiltService, buildService, NotFoundError, type ServiceDefinition } from '../src/index.ts';

export interface Tables {
  orders: { id: string; qty: number };
  notes: { event_id: string; text: string };
}

let failNotes = true;

export const shop: ServiceDefinition<Tables> = {
  name: 'shop',
  topic: 'testsystem',
  migrations: {
    '0001_shop': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('orders')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('qty', 'integer')
          .execute();
        await db.schema
          .createTable('notes')
          .addColumn('event_id', 'varchar(64)')
          .addColumn('text', 'varchar(255)')
          .execute();
      },
    },
  },
  setup(ctx) {
    // A refused connection answers at once; the timeout only has to outlast a loaded machine's scheduling.
    // Refused at once; a generous bound so that a stalled, loaded machine does not read it as a
    // timeout (seen on PostgreSQL under load: DEPENDENCY.TIMEOUT where UNAVAILABLE is meant).
    const payment = ctx.httpClient({ name: 'payment', baseUrl: 'http://127.0.0.1:9', timeoutMs: 30_000 });
    ctx.app.post(
      '/orders',
      { schema: { body: Type.Object({ id: Type.String(), qty: Type.Integer({ minimum: 1 }) }) } },
      async (request, reply) => {
        await ctx.command(async (trx, record) => {
          await trx.insertInto('orders').values(request.body).execute();
          await record([{ type: 'Ordered', key: request.body.id, data: request.body }]);
        });
        return reply.code(201).send(request.body);
      },
    );
    ctx.app.get<{ Params: { id: string } }>('/orders/:id', async (request) => {
      const order = await ctx.store.db
        .selectFrom('orders')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!order) throw new NotFoundError('ORDER.NOT_FOUND', `order ${request.params.id} not found`);
      return order;
    });
    ctx.app.post('/pay', async () => payment.request({ method: 'POST', path: '/payments', body: {} }));
    ctx.policies({
      Ordered: async (event, trx, record) => {
        if (event.data.qty === 13 && failNotes) throw new Error('unlucky number');
        await trx
          .insertInto('notes')
          .values({ event_id: event.id, text: `order ${event.key}` })
          .execute();
        await record([{ type: 'Noted', key: event.key, data: {} }]);
      },
    });
  },
};

export function serviceSuite(tier: string, envOf: () => Promise<Record<string, string>>): void {
  describe(`a service built on the kernel (${tier})`, () => {
    let service: BuiltService<Tables>;
    const notes = () => service.context.store.db.selectFrom('notes').selectAll().execute();

    before(async () => {
      failNotes = true;
      service = await buildService(shop, { ...(await envOf()), LOG_LEVEL: 'silent' });
      await service.start();
    });
    after(() => service.close());

    it('commits the command with its event, and its own policy consumes it from the bus', async () => {
      const created = await service.app.inject({
        method: 'POST',
        url: '/orders',
        payload: { id: 'o1', qty: 2 },
      });
      assert.equal(created.statusCode, 201);
      const deadline = Date.now() + 10_000;
      while ((await notes()).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        (await notes()).map((n) => n.text),
        ['order o1'],
      );
      assert.equal((await service.app.inject({ url: '/orders/o1' })).statusCode, 200);
    });

    it('answers bad input with 400 naming the field, unknown ids with 404, a down dependency with 503 + Retry-After', async () => {
      const bad = await service.app.inject({ method: 'POST', url: '/orders', payload: { id: 'o2', qty: 0 } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /qty/);
      const missing = await service.app.inject({ url: '/orders/nope' });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json().code, 'ORDER.NOT_FOUND');
      const down = await service.app.inject({ method: 'POST', url: '/pay' });
      assert.equal(down.statusCode, 503);
      assert.ok(Number(down.headers['retry-after']) >= 1);
      assert.equal(down.json().code, 'DEPENDENCY.UNAVAILABLE');
    });

    it('parks a poison event where an operator sees it over HTTP, and replays it after the fix', async () => {
      await service.app.inject({ method: 'POST', url: '/orders', payload: { id: 'o13', qty: 13 } });
      await service.app.inject({ method: 'POST', url: '/orders', payload: { id: 'o14', qty: 1 } });
      let parked: Array<{ eventId: string; error: string }> = [];
      const deadline = Date.now() + 15_000;
      while (parked.length === 0 && Date.now() < deadline) {
        parked = (await service.app.inject({ url: '/admin/parked' })).json().parked;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(parked.length, 1);
      assert.match(parked[0].error, /unlucky number/);
      assert.ok(
        (await notes()).some((n) => n.text === 'order o14'),
        'the partition kept flowing',
      );

      const stillBroken = await service.app.inject({
        method: 'POST',
        url: `/admin/parked/${parked[0].eventId}/replay`,
      });
      assert.equal(stillBroken.statusCode, 409);
      failNotes = false;
      const replayed = await service.app.inject({
        method: 'POST',
        url: `/admin/parked/${parked[0].eventId}/replay`,
      });
      assert.equal(replayed.statusCode, 200);
      assert.equal(replayed.json().outcome, 'handled');
      assert.ok((await notes()).some((n) => n.text === 'order o13'));
      assert.equal((await service.app.inject({ url: '/admin/parked' })).json().parked.length, 0);
      assert.equal(
        (await service.app.inject({ method: 'POST', url: `/admin/parked/${parked[0].eventId}/replay` }))
          .statusCode,
        404,
      );
    });

    it('reports readiness and the outbox backlog and breaker state in /metrics', async () => {
      assert.equal((await service.app.inject({ url: '/health/ready' })).statusCode, 200);
      const metrics = (await service.app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /outbox_backlog \d+/);
      assert.match(metrics, /circuit_breaker_open\{dependency="payment"\} [01]/);
    });
  });
}
