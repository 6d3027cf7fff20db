// The interactive API reference (`/reference`) in real headless Chromium (Debian's chromium,
// driven by playwright-core): it reads the system's document through the gateway, signs a user
// in through /oauth/token, sends an operation and shows the answer — every request on loopback,
// no script but its own (strict CSP, no violation reported).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type AuthService, buildDirectory, createAuthService, devConfig } from '@bounded/auth';
import { type Browser, chromium } from 'playwright-core';
import { createGateway, type Gateway } from '../src/index.ts';
import { upstream } from './helpers.ts';

const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'order', version: '1' },
  paths: {
    '/orders': {
      post: {
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['itemName', 'qty'],
                properties: {
                  itemName: { type: 'string', minLength: 1 },
                  qty: { type: 'integer', minimum: 1 },
                },
              },
            },
          },
        },
        responses: { '201': { description: 'Created' } },
      },
    },
  },
};

let auth: AuthService;
let gw: Gateway;
let url: string;
let order: Awaited<ReturnType<typeof upstream>>;
let browser: Browser;

before(async () => {
  auth = await createAuthService({ directory: await buildDirectory(devConfig()), logger: false });
  const authUrl = await auth.app.listen({ host: '127.0.0.1', port: 0 });
  order = await upstream('order', (seen, res) => {
    res.setHeader('content-type', 'application/json');
    if (seen.url === '/openapi.json') res.end(JSON.stringify(DOCUMENT));
    else {
      res.statusCode = 201;
      res.end(JSON.stringify({ id: 7, ...JSON.parse(seen.body || '{}'), by: seen.headers['x-user-name'] }));
    }
    return true;
  });
  gw = createGateway({
    system: 'flowerdelivery',
    routes: [{ prefix: '/orders', service: 'order', roles: { POST: ['customer'] } }],
    targets: () => [order.url],
    jwks: new URL(`${authUrl}/.well-known/jwks.json`),
    authUrl,
    issuer: auth.issuer,
    logger: false,
  });
  url = await gw.app.listen({ host: '127.0.0.1', port: 0 });
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('chromium is not installed: apt-get install -y chromium');
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
});

after(async () => {
  await browser?.close();
  await gw?.app.close();
  await auth?.app.close();
  await order?.close();
});

describe('the API reference page', () => {
  it('is served with strict security headers', async () => {
    const res = await fetch(`${url}/reference`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(
      res.headers.get('content-security-policy') ?? '',
      /script-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal((await fetch(`${url}/reference/app.js`)).status, 200);
  });

  it('lists the operations, signs in, sends one and shows the answer', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto(`${url}/reference`);
    const operation = page.locator('details.op', { hasText: '/orders' });
    await operation.waitFor({ timeout: 30_000 });
    assert.match((await operation.textContent()) ?? '', /POST[\s\S]*roles: customer/);

    await page.fill('input[name=username]', 'customer1');
    await page.fill('input[name=password]', 'customer1');
    await page.click('#signin button');
    await page.locator('#who', { hasText: 'signed in as customer1' }).waitFor({ timeout: 30_000 });

    await operation.locator('summary').click();
    const body = operation.locator('textarea');
    assert.deepEqual(
      JSON.parse(await body.inputValue()),
      { itemName: 'x', qty: 1 },
      'a body made from the schema',
    );
    await body.fill(JSON.stringify({ itemName: 'roses', qty: 2 }));
    await operation.locator('button', { hasText: 'Send' }).click();
    const answer = operation.locator('pre.status', { hasText: '201' });
    await answer.waitFor({ timeout: 30_000 });
    assert.match(
      (await answer.textContent()) ?? '',
      /"itemName": "roses"[\s\S]*"by": "customer1"/,
      'sent as the signed-in user',
    );

    assert.ok(requested.length >= 4, `requests seen: ${requested.join(', ')}`);
    assert.ok(
      requested.every((r) => r.startsWith(url)),
      `only the gateway's own origin: ${requested.join(', ')}`,
    );
    assert.deepEqual(problems, [], 'no script error, no CSP violation');
    await page.close();
  });
});
