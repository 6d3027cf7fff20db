// The system's public API document: each service's document cut to the paths routed to it, every
// operation marked with the bearer scheme and the roles the gateway lets through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { publicApi } from '../src/openapi.ts';

const op = (summary: string) => ({ summary, responses: { '200': { description: 'ok' } } });
const documents: Record<string, unknown> = {
  'http://order': {
    paths: {
      '/orders': { get: op('list'), post: op('place') },
      '/orders/{id}': { get: op('one'), delete: op('cancel') },
      '/admin/parked': { get: op('parked') },
    },
    components: { schemas: { Error: { type: 'object' } } },
  },
  'http://store': {
    paths: { '/ordermanagements': { get: op('store list') }, '/internal': { get: op('x') } },
  },
};

describe('the gateway’s OpenAPI document', () => {
  const api = (targets: Record<string, string[]>) =>
    publicApi({
      system: 'flowerdelivery',
      routes: [
        { prefix: '/orders', service: 'order', roles: { '*': ['customer'] } },
        { prefix: '/ordermanagements', service: 'store', roles: { GET: ['store'] } },
        { prefix: '/deliveries', service: 'delivery' },
      ],
      targets: (service) => targets[service] ?? [],
      fetchDocument: async (target) => structuredClone(documents[target]),
    })();

  it('holds only what the gateway exposes, with bearer and roles', async () => {
    const doc = await api({ order: ['http://order'], store: ['http://store'] });
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/oauth/token',
      '/ordermanagements',
      '/orders',
      '/orders/{id}',
    ]);
    const place = doc.paths['/orders'].post;
    assert.deepEqual(place.security, [{ bearer: [] }]);
    assert.deepEqual(place['x-roles'], ['customer']);
    assert.match(place.description, /Roles: customer, admin/);
    assert.ok(place.responses['401'] && place.responses['403'] && place.responses['200']);
    assert.deepEqual(doc.paths['/ordermanagements'].get['x-roles'], ['store']);
    assert.deepEqual(doc.paths['/oauth/token'].post.security, [], 'the token endpoint is open');
    assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    assert.ok(doc.components.schemas.Error);
  });

  it('says which services were not ready instead of failing', async () => {
    const doc = await api({ order: ['http://order'] });
    assert.match(doc.info.description, /store/);
    assert.ok(doc.paths['/orders']);
    assert.equal(doc.paths['/ordermanagements'], undefined);
  });
});
