import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type AuthService, buildDirectory, createAuthService, devConfig } from '@bounded/auth';
import { base64url, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createGateway, type Gateway } from '../src/index.ts';
import { deadUrl, upstream } from './helpers.ts';

let auth: AuthService;
let authUrl: string;
let gw: Gateway;
let orderA: Awaited<ReturnType<typeof upstream>>;
let orderB: Awaited<ReturnType<typeof upstream>>;
let store: Awaited<ReturnType<typeof upstream>>;
let slow: Awaited<ReturnType<typeof upstream>>;
let dead: string;
const targets: Record<string, string[]> = {};

before(async () => {
  auth = await createAuthService({ directory: await buildDirectory(devConfig()), logger: false });
  authUrl = await auth.app.listen({ host: '127.0.0.1', port: 0 });
  orderA = await upstream('orderA', (s, res) => {
    if (s.method !== 'POST') return false;
    res.statusCode = 201;
    res.setHeader('location', `http://${s.headers['x-forwarded-host']}/orders/7`);
    res.end();
    return true;
  });
  orderB = await upstream('orderB');
  store = await upstream('store');
  slow = await upstream('slow', () => true); // never answers
  dead = await deadUrl();
  Object.assign(targets, {
    order: [orderA.url, orderB.url],
    store: [store.url],
    delivery: [store.url],
    slow: [slow.url],
    dead: [dead],
    none: [],
    mixed: [dead, orderB.url],
  });
  gw = createGateway({
    system: 'flowerdelivery',
    routes: [
      { prefix: '/orders', service: 'order' },
      { prefix: '/ordermanagements', service: 'store', roles: { '*': ['store'] } },
      { prefix: '/deliveries', service: 'delivery', roles: { POST: ['rider'], PATCH: ['rider'] } },
      { prefix: '/slow', service: 'slow' },
      { prefix: '/dead', service: 'dead' },
      { prefix: '/none', service: 'none' },
      { prefix: '/mixed', service: 'mixed' },
    ],
    targets: (s) => targets[s] ?? [],
    jwks: new URL(`${authUrl}/.well-known/jwks.json`),
    authUrl,
    issuer: auth.issuer,
    // Long enough for the auth service's scrypt on a loaded machine; /slow never answers at all.
    upstreamTimeoutMs: 2_000,
    logger: false,
  });
});

after(async () => {
  await gw.app.close();
  await auth.app.close();
  for (const u of [orderA, orderB, store, slow]) await u.close();
});

async function tokenFor(name: string, roles: string[], aud = 'flowerdelivery') {
  return (await auth.issue({ sub: name, name, roles, aud, clientId: 'test' })).access_token;
}

function get(url: string, token?: string, headers: Record<string, string> = {}) {
  return gw.app.inject({
    method: 'GET',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

function assertUnauthorized(
  res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> },
  code?: string,
) {
  assert.equal(res.statusCode, 401);
  assert.match(String(res.headers['www-authenticate']), /^Bearer realm="flowerdelivery"/);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'path', 'status', 'timestamp']);
  assert.equal(body.status, 401);
  if (code) assert.equal(body.code, code);
}

describe('authentication', () => {
  test('no token → 401 in the error shape with WWW-Authenticate: Bearer', async () => {
    const res = await get('/orders/1');
    assertUnauthorized(res, 'AUTH.UNAUTHENTICATED');
    assert.equal(orderA.seen.length + orderB.seen.length, 0);
    assertUnauthorized(await get('/nowhere')); // unknown routes do not leak before auth
    assertUnauthorized(await get('/orders', undefined, { authorization: 'Basic Zm9vOmJhcg==' }));
  });

  test("signature by a key that is not the auth service's (same kid) → 401", async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ roles: ['admin'], name: 'x' })
      .setProtectedHeader({ alg: 'ES256', kid: auth.keys.current().kid })
      .setSubject('x')
      .setAudience('flowerdelivery')
      .setIssuer(auth.issuer)
      .setExpirationTime('5m')
      .sign(privateKey);
    assertUnauthorized(await get('/orders/1', forged), 'AUTH.INVALID_TOKEN');
  });

  test('expired → 401 AUTH.TOKEN_EXPIRED', async () => {
    const key = auth.keys.current();
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ roles: ['customer'], name: 'c' })
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setSubject('c')
      .setAudience('flowerdelivery')
      .setIssuer(auth.issuer)
      .setIssuedAt(now - 1000)
      .setExpirationTime(now - 60)
      .sign(key.privateKey);
    assertUnauthorized(await get('/orders/1', expired), 'AUTH.TOKEN_EXPIRED');
  });

  test('a token for another system → 401 AUTH.WRONG_AUDIENCE', async () => {
    assertUnauthorized(
      await get('/orders/1', await tokenFor('c', ['admin'], 'malltail')),
      'AUTH.WRONG_AUDIENCE',
    );
  });

  test('alg: none → 401', async () => {
    const valid = await tokenFor('c', ['customer']);
    const [, payload] = valid.split('.');
    const header = base64url.encode(
      JSON.stringify({ alg: 'none', kid: auth.keys.current().kid, typ: 'JWT' }),
    );
    assertUnauthorized(await get('/orders/1', `${header}.${payload}.`));
    assertUnauthorized(await get('/orders/1', `${header}.${payload}`));
  });

  test('tampered payload (roles raised to admin) → 401', async () => {
    const [h, p, s] = (await tokenFor('c', ['customer'])).split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
    claims.roles = ['admin'];
    const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
    assertUnauthorized(await get('/ordermanagements', tampered), 'AUTH.INVALID_TOKEN');
  });

  test('HS256 signed with the public key as the secret → 401 (algorithms pinned)', async () => {
    const jwks = (await (await fetch(`${authUrl}/.well-known/jwks.json`)).json()) as { keys: object[] };
    const pubJwk = jwks.keys[0] as { kid: string };
    const { importJWK } = await import('jose');
    const pem = await exportSPKI(
      (await importJWK({ ...pubJwk }, 'ES256', { extractable: true })) as CryptoKey,
    );
    for (const secret of [pem, JSON.stringify(pubJwk)]) {
      const confused = await new SignJWT({ roles: ['admin'], name: 'x' })
        .setProtectedHeader({ alg: 'HS256', kid: pubJwk.kid })
        .setSubject('x')
        .setAudience('flowerdelivery')
        .setIssuer(auth.issuer)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
      assertUnauthorized(await get('/orders/1', confused), 'AUTH.INVALID_TOKEN');
    }
  });

  test('/oauth/** is forwarded to auth without a token, with this system as the default audience', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=password&username=rider1&password=rider1',
    });
    assert.equal(res.statusCode, 200);
    const { access_token } = res.json();
    const ok = await get('/orders/1', access_token);
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().headers['x-user-roles'], 'rider');
  });

  test('/health/** is answered by the gateway, open', async () => {
    assert.equal((await get('/health/ready')).statusCode, 200);
    assert.equal((await get('/health/live')).statusCode, 200);
  });

  test("the gateway's /metrics answers an admin's token only (its port is public)", async () => {
    assertUnauthorized(await get('/metrics'), 'AUTH.UNAUTHENTICATED');
    assertUnauthorized(await get('/metrics?x=1'), 'AUTH.UNAUTHENTICATED');
    assert.equal((await get('/metrics', await tokenFor('customer1', ['customer']))).statusCode, 403);
    const admin = await get('/metrics', await tokenFor('bounded-admin', ['admin']));
    assert.equal(admin.statusCode, 200);
    assert.match(admin.body, /http_requests_total/);
  });

  test('no /admin/** nor /metrics of a service is reachable through the gateway', async () => {
    const admin = await tokenFor('bounded-admin', ['admin']);
    for (const path of ['/admin/parked', '/admin/parked/x/replay', '/orders/../admin/parked']) {
      const status = (await get(path, admin)).statusCode;
      assert.ok([400, 404].includes(status), `${path} → ${status}`);
    }
  });
});

describe('authorization and forwarding', () => {
  test('valid → 200; upstream sees the verified identity, not the forged headers', async () => {
    const res = await get('/orders/1?x=1', await tokenFor('customer1', ['customer']), {
      'x-user-id': 'store1',
      'x-user-roles': 'admin',
      'x-user-name': 'evil',
      'x-user-email': 'evil@example.com',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-prefix': '/evil',
      host: 'gw.example:8088',
    });
    assert.equal(res.statusCode, 200);
    const seen = res.json();
    assert.equal(seen.url, '/orders/1?x=1');
    assert.equal(seen.headers['x-user-id'], 'customer1');
    assert.equal(seen.headers['x-user-roles'], 'customer');
    assert.equal(seen.headers['x-user-name'], 'customer1');
    assert.equal(seen.headers['x-forwarded-host'], 'gw.example:8088');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-prefix'], undefined);
    assert.equal(seen.headers['x-user-email'], undefined);
    assert.match(String(seen.headers.traceparent), /^00-[0-9a-f]{32}-/);
  });

  test('role rules per route and method → 403; admin passes everything', async () => {
    const customer = await tokenFor('customer1', ['customer']);
    const rider = await tokenFor('rider1', ['rider']);
    const storeOwner = await tokenFor('store1', ['store']);
    const admin = await tokenFor('bounded-admin', ['admin']);
    const send = (method: 'POST' | 'PATCH', url: string, token: string) =>
      gw.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: { a: 1 } });
    const forbidden = await send('POST', '/ordermanagements', customer);
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().code, 'AUTH.FORBIDDEN');
    assert.equal((await send('PATCH', '/ordermanagements/1', rider)).statusCode, 403); // a rider cannot accept
    assert.equal((await get('/ordermanagements', customer)).statusCode, 403);
    assert.equal((await send('PATCH', '/deliveries/1', customer)).statusCode, 403);
    assert.equal((await get('/deliveries', customer)).statusCode, 200); // no rule for GET
    assert.equal((await send('PATCH', '/deliveries/1', rider)).statusCode, 200);
    const accepted = await send('PATCH', '/ordermanagements/1', storeOwner);
    assert.equal(accepted.statusCode, 200);
    assert.equal(accepted.json().body, '{"a":1}');
    assert.equal((await send('POST', '/ordermanagements', admin)).statusCode, 200);
  });

  test('a prefix matches itself and below, not a longer name; unknown path → 404', async () => {
    const t = await tokenFor('customer1', ['customer']);
    assert.equal((await get('/orders', t)).json().name.startsWith('order'), true);
    assert.equal((await get('/ordersX', t)).statusCode, 404);
    // inject() resolves dot segments itself, so this one goes over a real socket.
    const base = await gw.app.listen({ host: '127.0.0.1', port: 0 });
    const { get: rawGet } = await import('node:http');
    for (const path of ['/orders/%2e%2e/ordermanagements', '/orders/../ordermanagements']) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        rawGet(base, { path, headers: { authorization: `Bearer ${t}` } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        }).on('error', reject);
      });
      assert.equal(status, 400);
    }
  });

  test('round-robin across two replicas', async () => {
    const t = await tokenFor('customer1', ['customer']);
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push((await get('/orders/1', t)).json().name);
    assert.deepEqual(names.slice(0, 2).sort(), ['orderA', 'orderB']);
    for (let i = 2; i < 6; i++) assert.equal(names[i], names[i - 2]);
  });

  test('Location passes through and points at the gateway', async () => {
    const t = await tokenFor('customer1', ['customer']);
    let res = await gw.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: `Bearer ${t}`, host: 'gw.example' },
      payload: {},
    });
    if (res.statusCode !== 201) {
      res = await gw.app.inject({
        method: 'POST',
        url: '/orders',
        headers: { authorization: `Bearer ${t}`, host: 'gw.example' },
        payload: {},
      });
    }
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers.location, 'http://gw.example/orders/7');
  });

  test('dead replica → 503 with Retry-After in the error shape; no replica → 503', async () => {
    const t = await tokenFor('customer1', ['customer']);
    for (const url of ['/dead/1', '/none']) {
      const res = await get(url, t);
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(res.json().status, 503);
      assert.match(res.json().code, /^GATEWAY\./);
    }
  });

  test('a replica that refuses connections is skipped; the others answer every request', async () => {
    const t = await tokenFor('customer1', ['customer']);
    const before = orderB.seen.length;
    for (let i = 0; i < 4; i++) assert.equal((await get('/mixed/1', t)).statusCode, 200);
    assert.equal(orderB.seen.length - before, 4);
  });

  test('upstream timeout → 504 in the error shape', async () => {
    const res = await get('/slow', await tokenFor('customer1', ['customer']));
    assert.equal(res.statusCode, 504);
    assert.equal(res.json().code, 'GATEWAY.TIMEOUT');
  });
});

describe('key rotation', () => {
  test('rotating while requests flow refuses no valid token; old tokens stay valid', async () => {
    const old = await tokenFor('customer1', ['customer']);
    assert.equal((await get('/orders/1', old)).statusCode, 200); // the verifier has cached the current key
    const statuses: number[] = [];
    let rotations = 0;
    const flow = (async () => {
      while (rotations < 3 || statuses.length < 80) {
        const t = await tokenFor('customer1', ['customer']); // signed by whatever key is current
        const [a, b] = await Promise.all([get('/orders/1', t), get('/orders/1', old)]);
        statuses.push(a.statusCode, b.statusCode);
      }
    })();
    // Rotate three times, each while requests are in flight (paced by requests, not by the clock).
    for (let i = 1; i <= 3; i++) {
      while (statuses.length < i * 20) await new Promise((r) => setTimeout(r, 2));
      await auth.rotate();
      rotations++;
    }
    await flow;
    assert.equal(auth.keys.jwks().keys.length, 4); // the three old keys are still published
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    );
    assert.equal((await get('/orders/1', old)).statusCode, 200);
  });
});

// Last: building the document asks the upstreams for theirs (other suites count upstream calls).
describe('the public API document', () => {
  test('serves the system’s public API at /openapi.json without a token, not a document of its own routes', async () => {
    const res = await get('/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.info.title, 'flowerdelivery (through its gateway)');
    assert.ok(doc.paths['/oauth/token'], 'the token endpoint');
    assert.equal(doc.paths['/{*}'], undefined, 'not the gateway’s catch-all route');
  });
});
