import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { testApp } from './helpers.ts';

function ordersApp() {
  const { app } = testApp();
  app.post(
    '/orders',
    {
      schema: {
        body: Type.Object({
          productId: Type.String(),
          qty: Type.Integer({ minimum: 1 }),
          status: Type.Optional(Type.Union([Type.Literal('ORDERED'), Type.Literal('CANCELLED')])),
        }),
        querystring: Type.Object({ page: Type.Optional(Type.Integer()) }),
      },
    },
    async (req, reply) =>
      reply.code(201).send({ productId: req.body.productId, qty: req.body.qty, page: req.query.page }),
  );
  return app;
}

describe('request validation', () => {
  it('rejects wrong types and missing fields with 400 naming every field', async () => {
    const res = await ordersApp().inject({
      method: 'POST',
      url: '/orders',
      payload: { qty: 'three', status: 'LOST' },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assert.equal(body.code, 'REQUEST.INVALID');
    assert.equal(body.error, 'Bad Request');
    assert.equal(body.path, '/orders');
    const fields = Object.fromEntries(
      body.fields.map((f: { field: string; message: string }) => [f.field, f.message]),
    );
    assert.deepEqual(Object.keys(fields).sort(), ['productId', 'qty', 'status']);
    assert.equal(fields.productId, 'is required');
    assert.equal(fields.qty, 'must be integer');
    assert.equal(fields.status, 'must be one of ORDERED, CANCELLED');
    for (const f of ['productId', 'qty', 'status']) assert.match(body.message, new RegExp(f));
  });

  it('does not coerce JSON body types (null is not 0, true is not 1)', async () => {
    const app = ordersApp();
    for (const qty of [null, true, '5']) {
      const res = await app.inject({ method: 'POST', url: '/orders', payload: { productId: 'p', qty } });
      assert.equal(res.statusCode, 400, `qty=${JSON.stringify(qty)}`);
      assert.deepEqual(res.json().fields, [{ field: 'qty', message: 'must be integer' }]);
    }
  });

  it('still coerces the query string, and names its fields with a prefix', async () => {
    const app = ordersApp();
    const ok = await app.inject({
      method: 'POST',
      url: '/orders?page=2',
      payload: { productId: 'p', qty: 1 },
    });
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json().page, 2);
    const bad = await app.inject({
      method: 'POST',
      url: '/orders?page=two',
      payload: { productId: 'p', qty: 1 },
    });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().fields, [{ field: 'query.page', message: 'must be integer' }]);
  });

  it('answers invalid JSON with 400, not 500', async () => {
    const res = await ordersApp().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"productId": "p", "qty": ',
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'REQUEST.INVALID_JSON');
    assert.match(res.headers['content-type'] as string, /^application\/json/);
  });

  it('answers an empty JSON body with 400', async () => {
    const res = await ordersApp().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    assert.equal(res.statusCode, 400);
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await ordersApp().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/xml' },
      payload: '<order/>',
    });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, 'REQUEST.UNSUPPORTED_MEDIA_TYPE');
  });

  it('parses application/hal+json bodies like JSON, including their errors', async () => {
    const app = ordersApp();
    const ok = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/hal+json;charset=UTF-8' },
      payload: JSON.stringify({ productId: 'p', qty: 2 }),
    });
    assert.equal(ok.statusCode, 201);
    assert.equal(ok.json().qty, 2);
    const bad = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/hal+json' },
      payload: '{not json',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'REQUEST.INVALID_JSON');
  });

  it('rejects prototype poisoning in a JSON body with 400', async () => {
    const res = await ordersApp().inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"productId":"p","qty":1,"__proto__":{"admin":true}}',
    });
    assert.equal(res.statusCode, 400);
  });
});
