import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  type AuthService,
  buildDirectory,
  createAuthService,
  devConfig,
  hashPassword,
  verifyPassword,
} from '../src/index.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

let auth: AuthService;
let clock = Date.now();

before(async () => {
  auth = await createAuthService({
    directory: await buildDirectory(devConfig()),
    logger: false,
    now: () => clock,
  });
});
after(() => auth.app.close());

function token(form: Record<string, string>, client = ['bounded-web', 'dev-secret'], headers = {}) {
  return auth.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: basic(client[0], client[1]),
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    payload: new URLSearchParams(form).toString(),
  });
}

async function verify(accessToken: string, audience: string) {
  const jwks = (await auth.app.inject({ url: '/.well-known/jwks.json' })).json();
  return jwtVerify(accessToken, createLocalJWKSet(jwks), { audience, currentDate: new Date(clock) });
}

describe('POST /oauth/token', () => {
  test('client_credentials: a signed ES256 token for the asked system, with kid and the client roles', async () => {
    const res = await token({ grant_type: 'client_credentials', audience: 'flowerdelivery' }, [
      'bounded-admin',
      'dev-secret',
    ]);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.token_type, 'bearer');
    assert.equal(body.expires_in, 900);
    assert.equal(res.headers['cache-control'], 'no-store');
    const header = decodeProtectedHeader(body.access_token);
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, auth.keys.current().kid);
    const { payload } = await verify(body.access_token, 'flowerdelivery');
    assert.equal(payload.sub, 'bounded-admin');
    assert.deepEqual(payload.roles, ['admin']);
    assert.equal(payload.aud, 'flowerdelivery');
    assert.equal(payload.exp! - payload.iat!, 900);
  });

  test('password grant: sub, roles and aud from the user and the scope parameter', async () => {
    const res = await token({
      grant_type: 'password',
      username: 'store1',
      password: 'store1',
      scope: 'flowerdelivery',
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.scope, 'flowerdelivery');
    const { payload } = await verify(body.access_token, 'flowerdelivery');
    assert.equal(payload.sub, 'store1');
    assert.deepEqual(payload.roles, ['store']);
    await assert.rejects(verify(body.access_token, 'malltail'));
  });

  test("a request through a gateway gets that gateway's system as the default audience", async () => {
    const res = await token(
      { grant_type: 'password', username: 'customer1', password: 'customer1' },
      undefined,
      { 'x-gateway-system': 'library' },
    );
    assert.equal(res.statusCode, 200);
    const { payload } = await verify(res.json().access_token, 'library');
    assert.deepEqual(payload.roles, ['customer']);
  });

  test('no audience at all is a 400; a user outside the asked system gets invalid_scope', async () => {
    const none = await token({ grant_type: 'password', username: 'customer1', password: 'customer1' });
    assert.equal(none.statusCode, 400);
    assert.equal(none.json().error, 'invalid_request');
    const other = await token({
      grant_type: 'password',
      username: 'store1',
      password: 'store1',
      audience: 'malltail',
    });
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().error, 'invalid_scope');
  });

  test('a client can only use its grants', async () => {
    const res = await token({ grant_type: 'client_credentials', audience: 'flowerdelivery' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'unauthorized_client');
    const bad = await token({ grant_type: 'implicit', audience: 'flowerdelivery' });
    assert.equal(bad.json().error, 'unsupported_grant_type');
  });

  test('wrong client secret and unknown client: 401 invalid_client, identical bodies', async () => {
    const form = {
      grant_type: 'password',
      username: 'customer1',
      password: 'customer1',
      audience: 'flowerdelivery',
    };
    const wrong = await token(form, ['bounded-web', 'nope']);
    const unknown = await token(form, ['nobody', 'dev-secret']);
    const missing = await auth.app.inject({ method: 'POST', url: '/oauth/token', payload: {} });
    for (const res of [wrong, unknown, missing]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().error, 'invalid_client');
      assert.match(String(res.headers['www-authenticate']), /^Basic/);
    }
    assert.equal(wrong.body, unknown.body);
  });

  test('wrong password and unknown user: 401 invalid_grant, identical bodies', async () => {
    const wrong = await token({
      grant_type: 'password',
      username: 'customer1',
      password: 'x',
      audience: 'flowerdelivery',
    });
    const unknown = await token({
      grant_type: 'password',
      username: 'ghost',
      password: 'ghost',
      audience: 'flowerdelivery',
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.json().error, 'invalid_grant');
    assert.equal(wrong.body, unknown.body);
  });
});

describe('passwords', () => {
  test('stored as scrypt hashes, never in clear', async () => {
    const directory = await buildDirectory(devConfig());
    const user = directory.users.get('customer1')!;
    assert.match(user.passwordHash, /^scrypt\$16384\$8\$1\$/);
    assert.ok(!user.passwordHash.includes('customer1'));
    assert.equal(await verifyPassword('customer1', user.passwordHash), true);
    assert.equal(await verifyPassword('customer2', user.passwordHash), false);
    assert.notEqual(await hashPassword('a'), await hashPassword('a')); // salted
  });

  test('the development set is not loaded unless asked', async () => {
    const { configDocumentsFromEnv } = await import('../src/config.ts');
    assert.equal(configDocumentsFromEnv({}).length, 0);
    assert.equal(configDocumentsFromEnv({ AUTH_DEV_USERS: '1' }).length, 1);
  });
});

describe('key rotation', () => {
  test('the old key stays in the JWKS until its tokens expired, then leaves', async () => {
    const before = auth.keys.current().kid;
    const old = (
      await token({ grant_type: 'client_credentials', audience: 'flowerdelivery' }, [
        'bounded-admin',
        'dev-secret',
      ])
    ).json();
    const kid = await auth.rotate();
    assert.notEqual(kid, before);
    const fresh = (
      await token({ grant_type: 'client_credentials', audience: 'flowerdelivery' }, [
        'bounded-admin',
        'dev-secret',
      ])
    ).json();
    assert.equal(decodeProtectedHeader(fresh.access_token).kid, kid);
    const kids = (await auth.app.inject({ url: '/.well-known/jwks.json' }))
      .json()
      .keys.map((k: { kid: string }) => k.kid);
    assert.deepEqual(kids, [kid, before]);
    await verify(old.access_token, 'flowerdelivery'); // still valid
    clock += (900 + 61) * 1000; // past the old token's expiry plus skew
    const later = (await auth.app.inject({ url: '/.well-known/jwks.json' }))
      .json()
      .keys.map((k: { kid: string }) => k.kid);
    assert.deepEqual(later, [kid]);
  });

  test('POST /admin/keys/rotate: admin token for audience auth only', async () => {
    const none = await auth.app.inject({ method: 'POST', url: '/admin/keys/rotate' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().code, 'AUTH.UNAUTHENTICATED');
    const customer = (
      await token({ grant_type: 'password', username: 'customer1', password: 'customer1', audience: 'auth' })
    ).json();
    const forbidden = await auth.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: { authorization: `Bearer ${customer.access_token}` },
    });
    assert.equal(forbidden.statusCode, 403);
    const wrongAud = (
      await token({ grant_type: 'client_credentials', audience: 'flowerdelivery' }, [
        'bounded-admin',
        'dev-secret',
      ])
    ).json();
    const refused = await auth.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: { authorization: `Bearer ${wrongAud.access_token}` },
    });
    assert.equal(refused.statusCode, 401);
    const admin = (
      await token({ grant_type: 'client_credentials', audience: 'auth' }, ['bounded-admin', 'dev-secret'])
    ).json();
    const before = auth.keys.current().kid;
    const ok = await auth.app.inject({
      method: 'POST',
      url: '/admin/keys/rotate',
      headers: { authorization: `Bearer ${admin.access_token}` },
    });
    assert.equal(ok.statusCode, 200);
    assert.notEqual(ok.json().kid, before);
    assert.deepEqual(ok.json().keys, [ok.json().kid, before]);
  });
});

describe('failed logins', () => {
  let limited: AuthService;
  let at = Date.now();
  before(async () => {
    limited = await createAuthService({
      directory: await buildDirectory(devConfig()),
      logger: false,
      now: () => at,
      loginLimits: { perUser: 3, perAddress: 6, windowMs: 60_000 },
    });
  });
  after(() => limited.app.close());

  const login = (username: string, password: string, from = '203.0.113.7') =>
    limited.app.inject({
      method: 'POST',
      url: '/oauth/token',
      remoteAddress: '127.0.0.1',
      headers: {
        authorization: basic('bounded-web', 'dev-secret'),
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': from,
      },
      payload: new URLSearchParams({
        grant_type: 'password',
        username,
        password,
        audience: 'malltail',
      }).toString(),
    });

  test('a user guessed at is refused with 429 + Retry-After after the limit; others log in', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login('customer1', `guess${i}`)).statusCode, 401);
    const refused = await login('customer1', 'customer1');
    assert.equal(refused.statusCode, 429, 'even the right password waits out the window');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(refused.json().error, 'too_many_requests');
    assert.equal((await login('customer2', 'customer2', '198.51.100.1')).statusCode, 200);
    at += 61_000;
    assert.equal((await login('customer1', 'customer1')).statusCode, 200, 'the window moved on');
  });

  test('an unknown user is limited exactly like a known one (no hint who exists)', async () => {
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 4; i++) {
      known.push((await login('shop1', 'wrong', '192.0.2.10')).body);
      unknown.push((await login('nobody-here', 'wrong', '192.0.2.11')).body);
    }
    assert.deepEqual(known, unknown);
    assert.equal(JSON.parse(known[3]!).status, 429);
  });

  test('one address guessing many users is limited; other addresses are not', async () => {
    at += 61_000;
    for (let i = 0; i < 6; i++) assert.equal((await login(`user${i}`, 'x', '192.0.2.99')).statusCode, 401);
    assert.equal((await login('customer2', 'customer2', '192.0.2.99')).statusCode, 429);
    assert.equal((await login('customer2', 'customer2', '192.0.2.100')).statusCode, 200);
  });

  test('a forwarded address is believed only from loopback (the gateway)', async () => {
    at += 61_000;
    const direct = (from: string) =>
      limited.app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: '10.1.2.3',
        headers: {
          authorization: basic('bounded-web', 'dev-secret'),
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': from,
        },
        payload: new URLSearchParams({
          grant_type: 'password',
          username: `u-${from}`,
          password: 'x',
          audience: 'malltail',
        }).toString(),
      });
    for (let i = 0; i < 6; i++) await direct(`198.18.0.${i}`); // a new "address" each time: ignored
    assert.equal((await direct('198.18.0.200')).statusCode, 429);
  });
});
