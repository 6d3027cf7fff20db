import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HAL_CONTENT_TYPE, halCollection, halResource, resourceHref, singularOf } from '../src/index.ts';

const base = 'http://localhost:8081';

describe('halResource', () => {
  test('fields, id, self and the singular rel, as Spring Data REST', () => {
    const order = halResource(base, '/orders', { id: 1, productId: 'p-9', qty: 2, status: 'Ordered' });
    assert.deepEqual(order, {
      id: 1,
      productId: 'p-9',
      qty: 2,
      status: 'Ordered',
      _links: {
        self: { href: 'http://localhost:8081/orders/1' },
        order: { href: 'http://localhost:8081/orders/1' },
      },
    });
    assert.deepEqual(Object.keys(order).at(-1), '_links');
    assert.equal(JSON.parse(JSON.stringify(order))._links.self.href, 'http://localhost:8081/orders/1');
  });

  test('extra rels: absolute URL, path from base, path relative to the resource', () => {
    const r = halResource(
      `${base}/api/`,
      'orders',
      { id: 'a b' },
      {
        delivery: '/deliveries/3',
        cancel: 'cancel',
        docs: 'https://example.com/orders',
      },
    );
    assert.deepEqual(r._links, {
      self: { href: 'http://localhost:8081/api/orders/a%20b' },
      order: { href: 'http://localhost:8081/api/orders/a%20b' },
      delivery: { href: 'http://localhost:8081/api/deliveries/3' },
      cancel: { href: 'http://localhost:8081/api/orders/a%20b/cancel' },
      docs: { href: 'https://example.com/orders' },
    });
  });

  test('singular rel can be given, else derived from the collection path', () => {
    assert.ok('delivery' in halResource(base, '/deliveries', { id: 1 })._links);
    assert.ok('person' in halResource(base, '/people', { id: 1 }, {}, 'person')._links);
    assert.equal(singularOf('/orders'), 'order');
    assert.equal(singularOf('/deliveries'), 'delivery');
    assert.equal(singularOf('/inventories/'), 'inventory');
    assert.equal(singularOf('/addresses'), 'address');
    assert.equal(singularOf('/boxes'), 'box');
    assert.equal(singularOf('/stores'), 'store');
    assert.equal(singularOf('/houses'), 'house');
    assert.equal(singularOf('/keys'), 'key');
    assert.equal(singularOf('/status'), 'status');
  });

  test('resourceHref is the Location of a created resource', () => {
    assert.equal(resourceHref('http://h/', '/orders', 42), 'http://h/orders/42');
  });
});

describe('halCollection', () => {
  test('embedded items, self and profile links, page metadata', () => {
    const items = [halResource(base, '/orders', { id: 1 }), halResource(base, '/orders', { id: 2 })];
    const c = halCollection(base, '/orders', 'orders', items, { number: 0, size: 20, totalElements: 2 });
    assert.deepEqual(c, {
      _embedded: { orders: items },
      _links: {
        self: { href: 'http://localhost:8081/orders' },
        profile: { href: 'http://localhost:8081/profile/orders' },
      },
      page: { size: 20, totalElements: 2, totalPages: 1, number: 0 },
    });
  });

  test('an empty collection still embeds an empty array', () => {
    const c = halCollection(base, '/orders', 'orders', [], { number: 0, size: 20, totalElements: 0 });
    assert.deepEqual(c._embedded, { orders: [] });
    assert.deepEqual(c.page, { size: 20, totalElements: 0, totalPages: 0, number: 0 });
  });

  test('totalPages rounds up; first/prev/next/last links when paged', () => {
    const c = halCollection(
      base,
      '/orders',
      'orders',
      [],
      { number: 1, size: 5, totalElements: 11 },
      {
        sort: [{ field: 'qty', direction: 'desc' }],
      },
    );
    assert.equal(c.page.totalPages, 3);
    assert.deepEqual(c._links, {
      self: { href: 'http://localhost:8081/orders' },
      first: { href: 'http://localhost:8081/orders?page=0&size=5&sort=qty,desc' },
      prev: { href: 'http://localhost:8081/orders?page=0&size=5&sort=qty,desc' },
      next: { href: 'http://localhost:8081/orders?page=2&size=5&sort=qty,desc' },
      last: { href: 'http://localhost:8081/orders?page=2&size=5&sort=qty,desc' },
      profile: { href: 'http://localhost:8081/profile/orders' },
    });
    const firstPage = halCollection(base, '/orders', 'orders', [], { number: 0, size: 5, totalElements: 11 });
    assert.equal(firstPage._links.prev, undefined);
    assert.equal(firstPage._links.next?.href, 'http://localhost:8081/orders?page=1&size=5');
    const lastPage = halCollection(base, '/orders', 'orders', [], { number: 2, size: 5, totalElements: 11 });
    assert.equal(lastPage._links.next, undefined);
  });

  test('content type', () => {
    assert.equal(HAL_CONTENT_TYPE, 'application/hal+json');
  });
});
