// npm run bench:console — flowerdelivery's order load (POST /orders through the gateway with a
// token) twice: once with no console, once with the console open in headless Chromium on the map
// and on the live event stream. Orders/s of both, and how far the page's event stream lags the
// bus (page receipt − the event's timestamp). Last line: one JSON object.
//   --seconds S        per run (default 10)
//   --connections N    (default 30)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launch, platformProcesses, type SystemMap } from '@bounded/runner';
import autocannon from 'autocannon';
import { system as flowerdelivery } from '../../../systems/flowerdelivery/system.ts';
import { openBrowser } from '../test/harness.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '30' },
    // The console's tabs open in the browser while the load runs (`none`: the console runs, no page).
    pages: { type: 'string', default: 'map,events' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const BLOCK = 47_600;
const system: SystemMap = { ...flowerdelivery, basePort: BLOCK };
const order = {
  storeName: 'KJSHOP',
  itemName: '장미 한바구니',
  qty: 1,
  itemPrice: 50000,
  userName: 'customer1',
};

async function token(gateway: string): Promise<string> {
  const response = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}` },
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'customer1',
      password: 'customer1',
      audience: 'flowerdelivery',
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function load(gateway: string, bearer: string, duration: number) {
  const result = await autocannon({
    url: `${gateway}/orders`,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify(order),
  });
  return {
    ordersPerSecond: Math.round(result['2xx'] / duration),
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
  };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

async function run(withConsole: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-console-'));
  const launched = await launch({
    systems: [system],
    platform: platformProcesses({ authPort: BLOCK - 10 }),
    dataDir,
    controlPort: BLOCK - 3,
    logLevel: 'warn',
    sink: () => {},
    console: withConsole,
  });
  const gateway = `http://127.0.0.1:${BLOCK}`;
  const tabs = withConsole ? args.pages!.split(',').filter((t) => t && t !== 'none') : [];
  const browser = tabs.length > 0 ? await openBrowser() : undefined;
  try {
    const bearer = await token(gateway);
    const pages = [];
    if (browser) {
      for (const tab of tabs) {
        const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
        // The app pushes each event's lag (receipt − timestamp) here when it is defined.
        await page.addInitScript(() => {
          (window as unknown as { __boundedLag: number[] }).__boundedLag = [];
        });
        await page.goto(`${launched.controlUrl}/#/flowerdelivery/${tab}`);
        await page.waitForSelector('[data-testid=connection]:has-text("live")', { timeout: 60_000 });
        pages.push(page);
      }
    }
    await load(gateway, bearer, 2); // warm-up
    for (const page of pages)
      await page.evaluate(() => (window as unknown as { __boundedLag: number[] }).__boundedLag.splice(0));
    const cpuBefore = process.cpuUsage();
    const measured = await load(gateway, bearer, seconds);
    const cpu = process.cpuUsage(cpuBefore);
    // The runner's process (supervisor, control endpoint, console feeds) and the load generator share it.
    const runnerAndLoadCpuMsPerOrder = Number(
      ((cpu.user + cpu.system) / 1000 / Math.max(1, measured.ordersPerSecond * seconds)).toFixed(3),
    );
    await new Promise((r) => setTimeout(r, 1500)); // the stream's tail
    const lags: number[] = [];
    for (const page of pages)
      lags.push(
        ...(await page.evaluate(() => (window as unknown as { __boundedLag: number[] }).__boundedLag)),
      );
    return {
      ...measured,
      runnerAndLoadCpuMsPerOrder,
      pages: tabs,
      ...(browser
        ? {
            pageEvents: lags.length / pages.length,
            pageLagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: percentile(lags, 100) },
          }
        : {}),
    };
  } finally {
    await browser?.close();
    await launched.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.error(`without the console: ${connections} connections for ${seconds} s…`);
const without = await run(false);
console.error(`  ${without.ordersPerSecond} orders/s`);
console.error('with the console open on the map and the event stream…');
const withIt = await run(true);
console.error(`  ${withIt.ordersPerSecond} orders/s, page lag p99 ${withIt.pageLagMs?.p99} ms`);
const ratio = withIt.ordersPerSecond / Math.max(1, without.ordersPerSecond);
console.log(
  JSON.stringify({
    bench: 'console',
    connections,
    seconds,
    withoutConsole: without,
    withConsole: withIt,
    ratio: Number(ratio.toFixed(3)),
    targets: { ratio: 0.95, pageLagP99Ms: 1000 },
    targetsMet: ratio >= 0.95 && (withIt.pageLagMs?.p99 ?? Infinity) < 1000,
  }),
);
