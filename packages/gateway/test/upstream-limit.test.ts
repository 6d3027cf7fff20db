import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type AuthService, buildDirectory, createAuthService, devConfig } from '@bounded/auth';
import { createGateway, type Gateway } from '../src/index.ts';
import { upstream } from './helpers.ts';

describe('the gateway bounds the requests in progress to each service', () => {
  let auth: AuthService;
  let gw: Gateway;
  let base = '';
  let token = '';
  const held: Array<() => void> = [];
  let stuck: Awaited<ReturnType<typeof upstream>>;
  let quick: Awaited<ReturnType<typeof upstream>>;
  let targets: Record<string, string[]> = {};

  before(async () => {
    auth = await createAuthService({ directory: await buildDirectory(devConfig()), logger: false });
    const authUrl = await auth.app.listen({ host: '127.0.0.1', port: 0 });
    // Answers only when the test lets it: requests pile up at the gateway, as at a slow service.
    stuck = await upstream('stuck', (_seen, res) => {
      held.push(() => res.end('{}'));
      return true;
    });
    quick = await upstream('quick');
    targets = { stuck: [stuck.url], quick: [quick.url] };
    gw = createGateway({
      system: 'flowerdelivery',
      routes: [
        { prefix: '/stuck', service: 'stuck' },
        { prefix: '/quick', service: 'quick' },
      ],
      targets: (s) => targets[s] ?? [],
      jwks: new URL(`${authUrl}/.well-known/jwks.json`),
      authUrl,
      issuer: auth.issuer,
      maxInFlightPerReplica: 2,
      logger: false,
    });
    base = await gw.app.listen({ host: '127.0.0.1', port: 0 });
    token = (
      await auth.issue({ sub: 'c', name: 'c', roles: ['customer'], aud: 'flowerdelivery', clientId: 't' })
    ).access_token;
  });
  after(async () => {
    for (const release of held.splice(0)) release();
    await gw.app.close();
    await auth.app.close();
    await stuck.close();
    await quick.close();
  });

  const call = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const untilHeld = async (n: number) => {
    while (held.length < n) await new Promise((r) => setTimeout(r, 5));
  };

  it('refuses a busy service with 503 + Retry-After, while the other services are still served', async () => {
    const first = [call('/stuck/1'), call('/stuck/2')];
    await untilHeld(2);
    const refused = await call('/stuck/3');
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(((await refused.json()) as { code: string }).code, 'GATEWAY.UPSTREAM_BUSY');
    assert.equal((await call('/quick/1')).status, 200, 'another service is not held up');
    for (const release of held.splice(0)) release();
    assert.deepEqual(
      (await Promise.all(first)).map((r) => r.status),
      [200, 200],
    );
    assert.equal(held.length, 0);
  });

  it('lets in more as replicas are added, and again once requests end', async () => {
    targets.stuck = [stuck.url, stuck.url.replace('127.0.0.1', 'localhost')];
    const four = [1, 2, 3, 4].map((i) => call(`/stuck/${i}`));
    await untilHeld(4);
    assert.equal((await call('/stuck/5')).status, 503, 'two replicas: four places');
    for (const release of held.splice(0)) release();
    await Promise.all(four);
    const again = call('/stuck/6');
    await untilHeld(1);
    held.shift()!();
    assert.equal((await again).status, 200, 'the places were given back');
    targets.stuck = [stuck.url];
  });
});
