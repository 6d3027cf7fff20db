import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { baseUrlOf } from '../src/index.ts';

describe('baseUrlOf', () => {
  test('without forwarded headers: the request protocol and host', () => {
    assert.equal(
      baseUrlOf({ protocol: 'http', host: '127.0.0.1:8081', headers: {} }),
      'http://127.0.0.1:8081',
    );
    assert.equal(baseUrlOf({ protocol: 'https', host: 'orders.local', headers: {} }), 'https://orders.local');
    assert.equal(baseUrlOf({ headers: { host: 'localhost:8082' } }), 'http://localhost:8082');
    assert.equal(baseUrlOf({ headers: {} }), 'http://localhost');
  });

  test('honours X-Forwarded-Proto, -Host and -Prefix set by the gateway', () => {
    const req = {
      protocol: 'http',
      host: '127.0.0.1:8081',
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'shop.example.com',
        'x-forwarded-prefix': '/api/',
      },
    };
    assert.equal(baseUrlOf(req), 'https://shop.example.com/api');
  });

  test('only the proto, only the prefix', () => {
    assert.equal(
      baseUrlOf({ protocol: 'http', host: 'localhost:8088', headers: { 'x-forwarded-proto': 'https' } }),
      'https://localhost:8088',
    );
    assert.equal(
      baseUrlOf({ protocol: 'http', host: 'localhost:8088', headers: { 'x-forwarded-prefix': 'orders' } }),
      'http://localhost:8088/orders',
    );
  });

  test('comma lists (several proxies): the first hop; prefixes are joined', () => {
    const req = {
      protocol: 'http',
      host: 'internal:8081',
      headers: {
        'x-forwarded-proto': 'https, http',
        'x-forwarded-host': 'shop.example.com:8443, gateway:8088',
        'x-forwarded-prefix': '/edge,/api',
      },
    };
    assert.equal(baseUrlOf(req), 'https://shop.example.com:8443/edge/api');
  });

  test('X-Forwarded-Port replaces the port, dropping default ports', () => {
    const headers = { 'x-forwarded-host': 'shop.example.com:8088', 'x-forwarded-proto': 'https' };
    assert.equal(
      baseUrlOf({ protocol: 'http', host: 'x', headers: { ...headers, 'x-forwarded-port': '443' } }),
      'https://shop.example.com',
    );
    assert.equal(
      baseUrlOf({ protocol: 'http', host: 'x', headers: { ...headers, 'x-forwarded-port': '9443' } }),
      'https://shop.example.com:9443',
    );
  });

  test('malformed forwarded values are ignored, never echoed into links', () => {
    const req = {
      protocol: 'http',
      host: 'localhost:8081',
      headers: {
        'x-forwarded-proto': 'javascript',
        'x-forwarded-host': 'evil.com/path?x=<script>',
        'x-forwarded-prefix': '/a b"',
      },
    };
    assert.equal(baseUrlOf(req), 'http://localhost:8081');
  });

  test('IPv6 hosts', () => {
    assert.equal(baseUrlOf({ protocol: 'http', host: '[::1]:8081', headers: {} }), 'http://[::1]:8081');
  });
});
