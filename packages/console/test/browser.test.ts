/**
 * The console in real headless Chromium (Debian's `chromium`, driven by playwright-core) against
 * flowerdelivery run by the runner as real processes: nothing leaves loopback, the map shows the
 * five services and the flow, an order placed through an actor form shows its events live and its
 * saga to delivery, a parked event is replayed, and a service stopped from the console turns
 * not-ready on the map. Screenshots go to .tmp/console-screenshots (kept by CI).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DatabaseSync as Database } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { createEmbeddedBus } from '@bounded/bus';
import type { Browser, Page } from 'playwright-core';
import { type Harness, openBrowser, SCREENSHOTS, startFlowerdelivery, until } from './harness.ts';

/** A HAL answer as the tests read it (ids, lists, pages). */
type Row = { id: number; orderId: number };
// biome-ignore lint/suspicious/noExplicitAny: HAL bodies of several shapes, read field by field
type Json = any;

const BLOCK = 47_400;
const ok = (status: number) => status >= 200 && status < 300;
const TIMEOUT = 240_000;

describe('the console in a browser (flowerdelivery on real processes)', { timeout: 600_000 }, () => {
  let harness: Harness;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  /** What the browser refused for the page's Content-Security-Policy (nothing, if the page keeps to it). */
  const refused: string[] = [];
  let orderId = '';

  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const open = async (hash: string) => {
    await page.goto(`${harness.consoleUrl}#/flowerdelivery/${hash}`);
    await page.waitForSelector('[data-testid=connection]:has-text("live")', { timeout: 60_000 });
  };
  /** What the gateway answers a development user (through the console's own act route). */
  const act = async (username: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${harness.launched.controlUrl}/api/systems/flowerdelivery/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, method, path, body }),
    });
    return (await response.json()) as { status: number; body: Json };
  };
  /** Sends a command from the Act tab's form, as a person would. */
  const sendForm = async (username: string, command: string, fields: Record<string, string>) => {
    await open('act');
    await page.selectOption('[data-testid=user]', username);
    await until(`command ${command} offered to ${username}`, () =>
      page.locator(`[data-testid=command] option[value="${command}"]`).count(),
    );
    await page.selectOption('[data-testid=command]', command);
    const form = page.locator(`form[data-form="${command}"]`);
    for (const [name, value] of Object.entries(fields)) {
      const field = form.locator(`[name="${name}"]`);
      if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    await form.locator('[data-testid=send]').click();
    await page.waitForSelector('[data-testid=response]', { timeout: 30_000 });
    return Number(await page.locator('[data-testid=response]').getAttribute('data-status'));
  };

  before(async () => {
    harness = await startFlowerdelivery(BLOCK);
    browser = await openBrowser();
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.setDefaultTimeout(60_000);
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    // Anything not on loopback is refused (and counted by the first test).
    await page.route(
      (url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname),
      (route) => route.abort(),
    );
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  it('loads with every request on loopback, and draws the five services', { timeout: TIMEOUT }, async () => {
    const document = await page.goto(`${harness.consoleUrl}#/flowerdelivery/map`);
    const headers = document?.headers() ?? {};
    assert.match(headers['content-security-policy'] ?? '', /default-src 'self'.*frame-ancestors 'none'/);
    assert.equal(headers['x-content-type-options'], 'nosniff');
    await open('map');
    await page.waitForSelector('svg.board g.service[data-service]');
    const services = await page
      .locator('svg.board g.service')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-service')));
    assert.deepEqual([...services].sort(), ['delivery', 'mypage', 'order', 'ordermanagement', 'payment']);
    await until('every service ready on the map', async () =>
      (
        await page
          .locator('svg.board g.service')
          .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-ready')))
      ).every((r) => r === '1/1'),
    );
    await shot('01-map-at-start');
    assert.ok(requested.length >= 3, 'the page, its script and its data');
    const outside = requested.filter((url) => !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url));
    assert.deepEqual(outside, [], 'no request leaves loopback');
  });

  it('places an order through an actor form and shows its events live', { timeout: TIMEOUT }, async () => {
    const status = await sendForm('customer1', 'POST /orders', {
      storeName: 'KJSHOP',
      itemName: 'roses from the console',
      qty: '2',
      itemPrice: '30000',
    });
    assert.equal(status, 201);
    orderId = (await page.locator('[data-testid=open-saga]').innerText()).replace(/\D+/g, '');
    assert.ok(orderId, 'the response names the order');
    for (const type of ['Ordered', 'Paid'])
      await page.waitForSelector(`[data-testid=started-events] li[data-type=${type}]`, { timeout: 60_000 });
    await shot('02-actor-order-placed');

    // The store and the rider take it to the door, each through their own form.
    const copy = await until('the store has the order', async () => {
      const list = await act('store1', 'GET', '/ordermanagements?size=100');
      return list.body?._embedded?.ordermanagements?.find((o: Row) => String(o.orderId) === orderId);
    });
    assert.ok(ok(await sendForm('store1', 'POST /ordermanagements/:id/accept', { id: String(copy.id) })));
    assert.ok(ok(await sendForm('store1', 'POST /ordermanagements/:id/decorate', { id: String(copy.id) })));
    const delivery = await until('a delivery was requested', async () => {
      const list = await act('rider1', 'GET', '/deliveries?size=100');
      return list.body?._embedded?.deliveries?.find((d: Row) => String(d.orderId) === orderId);
    });
    assert.ok(ok(await sendForm('rider1', 'POST /deliveries/:id/start', { id: String(delivery.id) })));
    assert.ok(ok(await sendForm('rider1', 'POST /deliveries/:id/complete', { id: String(delivery.id) })));

    await open('events');
    await page.selectOption('select[aria-label=type]', 'DeliveryCompleted');
    await page.fill('input[aria-label=key]', orderId);
    const row = page.locator(`[data-testid=event-list] .event-row[data-key="${orderId}"]`).first();
    await row.click();
    const envelope = await page.locator('[data-testid=envelope] pre').innerText();
    const parsed = JSON.parse(envelope);
    assert.equal(parsed.headers.type, 'DeliveryCompleted');
    assert.equal(parsed.headers.source, 'delivery');
    assert.equal(parsed.key, orderId);
    assert.equal(parsed.value.eventType, 'DeliveryCompleted');
    await shot('03-live-events-envelope');
    // Pausing freezes the list; resuming shows what came meanwhile.
    await page.fill('input[aria-label=key]', '');
    await page.selectOption('select[aria-label=type]', '');
    await page.click('[data-testid=pause]');
    // Paused, the list is every event the console keeps, fetched once.
    await page.waitForSelector('[data-testid=event-count]:has-text("kept that match")');
    const frozen = await page.locator('[data-testid=event-list]').getAttribute('data-count');
    await act('customer1', 'POST', '/orders', {
      storeName: 'KJSHOP',
      itemName: 'while paused',
      qty: 1,
      itemPrice: 1,
    });
    await page.waitForTimeout(1500);
    assert.equal(await page.locator('[data-testid=event-list]').getAttribute('data-count'), frozen);
    await page.click('[data-testid=pause]');
    await until('the list grew after resuming', async () => {
      return (
        Number(await page.locator('[data-testid=event-list]').getAttribute('data-count')) > Number(frozen)
      );
    });
  });

  it('shows the saga timeline of that order with every step to delivery', { timeout: TIMEOUT }, async () => {
    await open(`saga/${orderId}`);
    const published = async () =>
      page
        .locator('[data-testid=steps] tr[data-kind=published]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    await until('every step to delivery', async () => {
      const types = await published();
      return ['Ordered', 'Paid', 'OrderAccepted', 'Decorated', 'DeliveryStarted', 'DeliveryCompleted'].every(
        (t) => types.includes(t),
      );
    });
    // Each handling by each consumer group, and nothing left waiting.
    await until('every handling recorded', async () => {
      const text = await page.locator('[data-testid=stopped-at]').innerText();
      return !text.includes('waits on') && text.includes('handled');
    });
    const handled = await page
      .locator('[data-testid=steps] tr[data-kind=handled]')
      .evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    assert.ok(handled.some((t) => t.includes('mypage handled DeliveryCompleted')));
    assert.ok(handled.some((t) => t.includes('order handled DeliveryCompleted')));
    assert.ok(handled.some((t) => t.includes('delivery handled Decorated')));
    const order = await published();
    assert.ok(order.indexOf('Decorated') < order.indexOf('DeliveryStarted'), 'in order');
    await shot('04-saga-timeline');
  });

  it('draws the flow on the map: Ordered → Paid → … → DeliveryCompleted, each in its publisher', {
    timeout: TIMEOUT,
  }, async () => {
    await open('map');
    const inBox = async (type: string) =>
      page.locator(`svg.board g.sticky.event[data-node="evt:${type}"]`).count();
    const board = (await (
      await fetch(`${harness.launched.controlUrl}/api/systems/flowerdelivery/board`)
    ).json()) as {
      nodes: Array<{ id: string; parent?: string }>;
      edges: Array<{ id: string; kind: string; from: string; to: string }>;
    };
    const parent = (id: string) => board.nodes.find((n) => n.id === id)?.parent;
    assert.equal(parent('evt:Ordered'), 'svc:order');
    assert.equal(parent('evt:Paid'), 'svc:payment');
    assert.equal(parent('evt:OrderAccepted'), 'svc:ordermanagement');
    assert.equal(parent('evt:Decorated'), 'svc:ordermanagement');
    assert.equal(parent('evt:DeliveryStarted'), 'svc:delivery');
    assert.equal(parent('evt:DeliveryCompleted'), 'svc:delivery');
    const has = (from: string, to: string) => board.edges.some((e) => e.from === from && e.to === to);
    const edges = board.edges.map((e) => e.id).join('\n');
    assert.ok(has('cmd:order:POST /orders', 'evt:Ordered'), edges);
    assert.ok(has('cmd:ordermanagement:POST /ordermanagements/:id/accept', 'evt:OrderAccepted'), edges);
    assert.ok(
      board.edges.some((e) => e.from === 'evt:Decorated' && e.to.startsWith('pol:delivery:')),
      'Decorated → the delivery policy',
    );
    assert.ok(has('cmd:delivery:POST /deliveries/:id/complete', 'evt:DeliveryCompleted'), edges);
    assert.ok(has('svc:order', 'svc:payment'), edges);
    for (const type of [
      'Ordered',
      'Paid',
      'OrderAccepted',
      'Decorated',
      'DeliveryStarted',
      'DeliveryCompleted',
    ])
      assert.equal(await inBox(type), 1, type);
    // Live: an order lights its edges up with a rate.
    await act('customer1', 'POST', '/orders', {
      storeName: 'KJSHOP',
      itemName: 'lights',
      qty: 1,
      itemPrice: 1,
    });
    await page.waitForSelector('svg.board g.edge.hot', { timeout: 30_000 });
    await page.waitForSelector('g.edge.calls text:has-text("breaker closed")');
    await shot('05-map-with-flow');
  });

  it('replays parked events from the console', { timeout: TIMEOUT }, async () => {
    // MyPage has caught up with every order so far (only the next order's events will park).
    await until('MyPage to have every order', async () => {
      const orders = await act('customer1', 'GET', '/orders?size=1');
      const pages = await act('customer1', 'GET', '/myPages?size=1');
      return (
        orders.body?.page?.totalElements > 0 &&
        orders.body.page.totalElements === pages.body?.page?.totalElements
      );
    });
    // MyPage loses its table: its handlings fail, are retried, and parked.
    const db = new Database(join(harness.dataDir, 'flowerdelivery', 'mypage.db'), { timeout: 5000 });
    db.exec('ALTER TABLE my_pages RENAME TO my_pages_away');
    let id = '';
    try {
      const placed = await act('customer1', 'POST', '/orders', {
        storeName: 'KJSHOP',
        itemName: 'parked',
        qty: 1,
        itemPrice: 1,
      });
      assert.equal(placed.status, 201);
      id = String(placed.body.id);
      await open('ops');
      await until(
        'the events parked',
        async () => (await page.locator(`[data-testid=parked] tr[data-parked]`).count()) >= 2,
        90_000,
      );
    } finally {
      db.exec('ALTER TABLE my_pages_away RENAME TO my_pages'); // the fix
      db.close();
    }
    const parked = await page.locator('[data-testid=parked] tr[data-parked]').count();
    await open('map');
    await page.waitForSelector(`g.service[data-service=mypage] [data-badge=parked][data-value="${parked}"]`);
    await shot('06-map-parked-badge');
    await open('ops');
    await page.locator('[data-testid=parked] tr[data-parked] [data-action=inspect]').first().click();
    assert.match(await page.locator('[data-testid=parked-detail]').innerText(), /no such table/);
    await shot('07-ops-parked');
    for (let left = parked; left > 0; left--) {
      const row = page.locator('[data-testid=parked] tr[data-parked]').first();
      const eventId = await row.getAttribute('data-parked');
      await row.locator('[data-action=replay]').click();
      await until('the replay answered', async () =>
        (await page.locator('[data-testid=ops-message]').innerText()).includes(
          `replay ${eventId}: done (handled)`,
        ),
      );
      await until(
        'the row left the list',
        async () => (await page.locator(`tr[data-parked="${eventId}"]`).count()) === 0,
      );
    }
    const page1 = await act('customer1', 'GET', `/myPages?size=100`);
    assert.ok(
      page1.body._embedded.myPages.some((p: Row) => String(p.orderId) === id),
      'MyPage has the order after the replay',
    );
    await open(`saga/${id}`);
    await until('the timeline shows the handling after the replay', async () => {
      const kinds = await page
        .locator('[data-testid=steps] tr')
        .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-kind')} ${r.textContent}`));
      return kinds.some((k) => k.startsWith('handled') && k.includes('mypage handled Ordered'));
    });
  });

  it('stays responsive with thousands of events: sampled live, every one when paused, virtualised', {
    timeout: TIMEOUT,
  }, async () => {
    await open('events');
    const figure = async (name: string) =>
      Number(await page.locator('[data-testid=event-count]').getAttribute(`data-${name}`));
    const count = async () =>
      Number(await page.locator('[data-testid=event-list]').getAttribute('data-count'));
    const before = await figure('shown');
    const bus = createEmbeddedBus({ dir: join(harness.dataDir, 'flowerdelivery', 'bus') });
    try {
      for (let batch = 0; batch < 10; batch++) {
        await bus.publish(
          Array.from({ length: 500 }, (_, i) => ({
            id: randomUUID(),
            topic: 'flowerdelivery',
            key: `load-${batch * 500 + i}`,
            type: 'ConsoleLoadTested',
            timestamp: Date.now(),
            source: 'console-test',
            data: { n: batch * 500 + i, note: 'a type no service handles' },
          })),
        );
      }
    } finally {
      await bus.close();
    }
    // Live, the page is sent what a person can read, and told how many more there were.
    await until(
      'all 5,000 sent or counted',
      async () => (await figure('shown')) + (await figure('not-sent')) >= before + 5000,
    );
    assert.ok((await figure('not-sent')) > 0, 'a burst of 5,000 is more than the budget');
    assert.match(
      (await page.locator('[data-testid=sampled]').textContent()) ?? '',
      /more that match were left out/,
    );
    assert.ok((await page.locator('[data-testid=event-list] .vrow').count()) < 120, 'virtualised');
    // Paused: every event the console keeps, still only the visible rows in the page.
    await page.click('[data-testid=pause]');
    await page.waitForSelector('[data-testid=event-count]:has-text("kept that match")');
    assert.ok((await count()) >= before + 5000, `every one when paused (${await count()})`);
    const rendered = await page.locator('[data-testid=event-list] .vrow').count();
    assert.ok(rendered < 120, `only the visible rows are in the page (${rendered})`);
    // A filter over every event answers at once (on the server).
    const started = Date.now();
    await page.fill('input[aria-label=key]', 'load-4321');
    await page.waitForSelector('[data-testid=event-list][data-count="1"]');
    assert.ok(Date.now() - started < 5000, `filtered in ${Date.now() - started} ms`);
    await page.fill('input[aria-label=key]', '');
    await until('the whole list again', async () => (await count()) >= before + 5000);
    await shot('08-live-events-thousands');
    await page.click('[data-testid=pause]');
  });

  it('stops a service from the console: it turns not-ready on the map; start brings it back, scale adds a replica', {
    timeout: TIMEOUT,
  }, async () => {
    await open('ops');
    await page.locator('tr[data-ops-service=delivery] [data-action=stop]').click();
    await until('stopped', async () =>
      /stop flowerdelivery\/delivery: done/.test(await page.locator('[data-testid=ops-message]').innerText()),
    );
    await open('map');
    await page.waitForSelector('svg.board g.service.down[data-service=delivery]');
    assert.equal(await page.locator('g.service[data-service=delivery]').getAttribute('data-ready'), '0/0');
    await shot('09-map-delivery-stopped');
    await open('ops');
    await page.locator('tr[data-ops-service=delivery] [data-action=start]').click();
    await until('started', async () =>
      /start flowerdelivery\/delivery: done/.test(
        await page.locator('[data-testid=ops-message]').innerText(),
      ),
    );
    await open('map');
    await page.waitForSelector('svg.board g.service[data-service=delivery][data-ready="1/1"]');
    // Scaled out from the console: the map counts two replicas, both ready; then back to one.
    for (const replicas of ['2', '1']) {
      await open('ops');
      await page.fill('tr[data-ops-service=delivery] input[type=number]', replicas);
      await page.locator('tr[data-ops-service=delivery] [data-action=scale]').click();
      await until(`scaled to ${replicas}`, async () =>
        (await page.locator('[data-testid=ops-message]').innerText()).includes(
          'scale flowerdelivery/delivery: done',
        ),
      );
      await open('map');
      await page.waitForSelector(
        `svg.board g.service[data-service=delivery][data-ready="${replicas}/${replicas}"]`,
      );
    }
  });

  it('sent nothing off loopback, and broke none of its security policy, during the whole run', () => {
    assert.deepEqual(refused, [], 'nothing refused by the Content-Security-Policy');
    const outside = requested.filter((url) => !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url));
    assert.deepEqual(outside, []);
  });
});
