/**
 * A declared resource behaves as the hand-written ones did, on every database: its migration
 * makes the table (nullable, unique, boolean and bigint columns), the list pages, sorts, filters
 * and scopes to the caller, the get answers 404 for a missing row and another customer's, and bad
 * paging or sort is a 400. resource.test.ts runs it on SQLite, resource.engines.test.ts on
 * PostgreSQL and MariaDB. `envOf` answers the env of a new service (DATA_DIR, maybe DATABASE_URL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServiceDefinition } from '@bounded/kernel';
import { Type } from '@sinclair/typebox';
import {
  createTables,
  declareResource,
  LIMITS,
  Nullable,
  type RowOf,
  resourceRoutes,
  type TableOf,
} from '../src/index.ts';
import { ADMIN, asUser, type InProcessService, startInProcess } from '../src/testing/index.ts';

export const rentals = declareResource({
  table: 'rentals',
  plural: 'rentals',
  fields: Type.Object({
    productId: Type.Integer({ minimum: 1, maximum: LIMITS.id }),
    qty: Type.Integer({ minimum: 1, maximum: LIMITS.int }),
    status: Type.Union([Type.Literal('Ordered'), Type.Literal('Cancelled')]),
    customerId: Nullable(Type.String({ maxLength: LIMITS.text })),
    insured: Type.Boolean(),
    price: Type.Number(),
    token: Type.String({ maxLength: LIMITS.text }),
  }),
  serverOwned: ['status', 'customerId'],
  hidden: ['token'],
  unique: ['token'],
  indexes: ['customerId'],
  sortable: ['productId', 'qty'],
  filterable: ['productId', 'status'],
  owner: 'customerId',
  seeAll: ['operator'],
  links: () => ({ cancel: 'cancel' }),
});

interface Tables {
  rentals: TableOf<typeof rentals>;
}

export const rentalService: ServiceDefinition<Tables> = {
  name: 'rental',
  topic: 'resourcetest',
  migrations: { '0001_rentals': createTables(rentals) },
  setup(ctx) {
    resourceRoutes(ctx.app, ctx.store.db, rentals);
    ctx.app.post('/rentals', { schema: { body: rentals.createBody } }, async (request, reply) => {
      const values = rentals.pickCreate(request.body);
      const id = await ctx.command((trx) =>
        rentals.insert(trx, {
          ...values,
          status: 'Ordered',
          customerId: request.headers['x-user-name']?.toString() ?? null,
          token: `t-${values.productId}-${Math.random()}`,
        }),
      );
      const row: RowOf<typeof rentals> | undefined = await rentals.load(ctx.store.db, id);
      return reply.code(201).send(row && rentals.resource('http://x', row));
    });
  },
};

export function resourceSuite(label: string, envOf: () => Promise<Record<string, string>>): void {
  describe(`declared resource (${label})`, () => {
    let service: InProcessService;
    const as = (user: Record<string, string> | undefined, url: string) =>
      service.service.app.inject({ method: 'GET', url, headers: user }).then((r) => ({
        status: r.statusCode,
        // biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field
        body: r.json() as any,
      }));

    before(async () => {
      service = await startInProcess(rentalService, await envOf());
      const place = async (user: string, productId: number, qty: number, insured: boolean) => {
        const res = await service.service.app.inject({
          method: 'POST',
          url: '/rentals',
          headers: asUser(user),
          payload: {
            productId,
            qty,
            insured,
            price: 1.5,
            status: 'Cancelled',
            customerId: 'mallory',
            id: 99,
          },
        });
        assert.equal(res.statusCode, 201, res.body);
      };
      for (let i = 1; i <= 5; i++) await place('customer1', 1000 + i, i, i % 2 === 0);
      await place('customer2', 3_000_000_000_001, 9, true);
    });
    after(() => service.close());

    it('creates rows from the create fields only: server-owned and hidden fields are the server’s', async () => {
      const { body } = await as(ADMIN, '/rentals/1');
      assert.equal(body.status, 'Ordered');
      assert.equal(body.customerId, 'customer1');
      assert.equal(body.token, undefined, 'hidden fields are never answered');
      assert.equal(body.insured, false);
      assert.equal(body.price, 1.5);
      assert.equal(body._links.self.href, 'http://localhost:80/rentals/1');
      assert.equal(body._links.rental.href, body._links.self.href);
      assert.equal(body._links.cancel.href, 'http://localhost:80/rentals/1/cancel');
    });

    it('keeps numbers, big numbers and booleans as their types', async () => {
      const { body } = await as(ADMIN, '/rentals/6');
      assert.equal(body.productId, 3_000_000_000_001);
      assert.equal(body.insured, true);
      assert.equal(typeof body.id, 'number');
    });

    it('refuses a body with wrong types or missing fields, naming them', async () => {
      const res = await service.call('POST', '/rentals', { productId: '1', qty: -1 });
      assert.equal(res.status, 400);
      const named = (res.body.fields as Array<{ field: string }>).map((f) => f.field).join(' ');
      for (const field of ['productId', 'qty', 'insured', 'price']) assert.match(named, new RegExp(field));
    });

    it('pages, sorts and filters the list', async () => {
      const page = await as(ADMIN, '/rentals?size=2&page=1&sort=qty,desc');
      assert.equal(page.status, 200);
      assert.deepEqual(
        page.body._embedded.rentals.map((r: { qty: number }) => r.qty),
        [4, 3], // 9, 5 | 4, 3 | 2, 1
      );
      assert.deepEqual(page.body.page, { size: 2, totalElements: 6, totalPages: 3, number: 1 });
      assert.ok(page.body._links.next && page.body._links.prev);
      const filtered = await as(ADMIN, '/rentals?productId=1003');
      assert.deepEqual(
        filtered.body._embedded.rentals.map((r: { id: number }) => r.id),
        [3],
      );
      const none = await as(ADMIN, '/rentals?status=Cancelled');
      assert.equal(none.body.page.totalElements, 0);
    });

    it('answers 400 for bad paging, sort and filter values', async () => {
      for (const url of [
        '/rentals?page=-1',
        '/rentals?size=x',
        '/rentals?sort=token',
        '/rentals?sort=qty,sideways',
        '/rentals?productId=abc',
        '/rentals?status=Lost',
      ]) {
        const res = await as(ADMIN, url);
        assert.equal(res.status, 400, url);
      }
    });

    it('scopes list and get to the caller: customers see their own, operators and admins all', async () => {
      const mine = await as(asUser('customer2'), '/rentals');
      assert.deepEqual(
        mine.body._embedded.rentals.map((r: { id: number }) => r.id),
        [6],
      );
      const narrowed = await as(asUser('customer2'), '/rentals?productId=1001');
      assert.equal(narrowed.body.page.totalElements, 0, 'a filter never widens a customer’s view');
      assert.equal((await as(asUser('customer2'), '/rentals/1')).status, 404);
      assert.equal((await as(asUser('customer1'), '/rentals/1')).status, 200);
      assert.equal((await as(asUser('operator1', 'operator'), '/rentals')).body.page.totalElements, 6);
      assert.equal((await as(undefined, '/rentals')).body.page.totalElements, 6, 'direct calls see all');
    });

    it('answers 404 with the resource’s code for a missing row, 400 for a bad id', async () => {
      const missing = await as(ADMIN, '/rentals/999');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.code, 'RENTAL.NOT_FOUND');
      assert.equal((await as(ADMIN, '/rentals/abc')).status, 400);
    });

    it('is described in the service’s OpenAPI document: parameters, bodies, HAL responses, refusals', async () => {
      const { status, body } = await as(undefined, '/openapi.json');
      assert.equal(status, 200);
      assert.equal(body.openapi, '3.1.0');
      const list = body.paths['/rentals'].get;
      const params = list.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
      for (const p of ['query:page', 'query:size', 'query:sort', 'query:productId', 'query:status'])
        assert.ok(params.includes(p), p);
      const page = list.responses['200'].content['application/hal+json'].schema;
      assert.ok(page.properties._embedded.properties.rentals, 'the collection names its items');
      const one = body.paths['/rentals/{id}'].get;
      const item = one.responses['200'].content['application/hal+json'].schema;
      assert.ok(item.properties.productId && item.properties._links);
      assert.equal(item.properties.token, undefined, 'hidden fields are not documented either');
      assert.ok(one.responses['404'] && one.responses['400']);
      const create = body.paths['/rentals'].post;
      const sent = create.requestBody.content['application/json'].schema;
      assert.deepEqual(sent.required.sort(), ['insured', 'price', 'productId', 'qty']);
      assert.equal(sent.properties.status, undefined, 'server-owned fields are not in the create body');
      assert.ok(create.responses['400'] && create.responses['503']);
      assert.ok(create.responses['201'], 'a command that declares no success answers 201 Created');
      assert.equal(body.paths['/health/ready'], undefined);
      assert.equal(body.paths['/admin/parked'], undefined, 'operator endpoints are not the API');
    });

    it('refuses a second row with a unique value (the migration made the key)', async () => {
      const db = service.service.context.store.db as unknown as Parameters<typeof rentals.insert>[0];
      const row = {
        productId: 1,
        qty: 1,
        status: 'Ordered' as const,
        customerId: null,
        insured: false,
        price: 0,
      };
      await rentals.insert(db, { ...row, token: 'same' });
      await assert.rejects(rentals.insert(db, { ...row, token: 'same' }));
      const id = await rentals.insert(db, { ...row, token: 'other' });
      await rentals.update(db, id, { status: 'Cancelled', insured: true });
      const updated = await rentals.load(db, id);
      assert.equal(updated?.status, 'Cancelled');
      assert.equal(updated?.insured, true);
      assert.equal(updated?.customerId, null);
    });
  });
}
