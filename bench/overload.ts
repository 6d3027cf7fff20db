// npm run bench:overload — flowerdelivery under the runner, driven through its gateway at twice
// its measured capacity: refusals must be fast 503s with Retry-After (p99 under 50 ms), every
// process's memory flat (RSS growth under 10 % from the first to the last ten seconds of the judged
// minute, after the warm-up below), nothing
// crashed, and normal latency back within 5 s once the load drops. Last line: one JSON object.
//   --seconds S        length of the overload whose memory is judged (default 60)
//   --warmup-seconds W the same overload for W s before it (default 45): every process's heap
//                      finds its size under the load (the young generation widens to its cap,
//                      the old one to what the load keeps live) — growth that levels off, told
//                      apart from growth that keeps on. Refusals and answers are timed over both;
//                      the growth with the warm-up is reported too.
//   --probe-seconds S  length of the capacity measurement (default 5)
//   --base-port P      the system's port block (default 8600: off the systems' own blocks)
//   --rate R           requests/s offered in the overload (default: twice the measured capacity;
//                      set it when a busy machine makes the short capacity probe read low)
//   --via LIST         what is overloaded, of gateway,direct (default both): through the gateway
//                      with a token, or the order service itself (its own bound, no gateway)
// Memory: each process's RSS every second, and every process's V8 heap by
// space (from their /metrics: the gateway's with an admin token), so growth reads as a heap that
// finds its size, a young generation that widens, or memory outside the heap.
// The load is open-loop (requests sent on a clock, whatever the answers), as real clients are:
// a closed loop would slow down with the server and never overload it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { launch, platformProcesses, servicePort } from '@bounded/runner';
import { freePort } from '@bounded/service-kit/testing';
import autocannon from 'autocannon';
import { system as full } from '../systems/flowerdelivery/system.ts';

/** Where /metrics says each heap figure (prom-client's default metrics), read in MB. */
const HEAP_METRICS: Record<Exclude<keyof HeapSample, 'loopP99Ms'>, RegExp> = {
  newSize: /^nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)/m,
  oldSize: /^nodejs_heap_space_size_total_bytes\{space="old"\} (\S+)/m,
  oldUsed: /^nodejs_heap_space_size_used_bytes\{space="old"\} (\S+)/m,
  external: /^nodejs_external_memory_bytes (\S+)/m,
};
/** The loop's delay over the second since the last scrape (prom-client resets it per scrape), in s. */
const LOOP_LAG_P99 = /^nodejs_eventloop_lag_p99_seconds (\S+)/m;
const TARGETS = { refusalP99Ms: 50, rssGrowthPct: 10, recoveryMs: 5000 };
/** Sockets the load generator keeps open at most; a request with none free is counted as not sent. */
const CLIENT_SOCKETS = 1024;
const ORDER = {
  storeName: 'KJSHOP',
  itemName: '장미 한바구니',
  qty: 1,
  itemPrice: 50000,
  userName: 'customer1',
};

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'warmup-seconds': { type: 'string', default: '45' },
    'probe-seconds': { type: 'string', default: '5' },
    'base-port': { type: 'string', default: '8600' },
    via: { type: 'string', default: 'gateway,direct' },
    rate: { type: 'string' },
  },
});
const seconds = Number(args.seconds);
const warmupSeconds = Number(args['warmup-seconds']);
const probeSeconds = Number(args['probe-seconds']);
const system = { ...full, basePort: Number(args['base-port']) };
const gateway = `http://127.0.0.1:${system.basePort}`;
const authPort = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-overload-'));

const launched = await launch({
  systems: [system],
  platform: platformProcesses({ authPort }),
  dataDir,
  controlPort: await freePort(),
  logLevel: 'warn',
  sink: (id, replica, line, stream) =>
    stream === 'stderr' && process.stderr.write(`[${id}#${replica}] ${line}\n`),
});
try {
  const token = await customerToken();
  const adminToken = await accessToken(
    { grant_type: 'client_credentials', audience: system.name },
    'bounded-admin',
  );
  // Every process's heap: what grows under overload is told apart from what only grows its RSS.
  const heapOf: Record<string, Route> = {
    gateway: { url: `${gateway}/metrics`, headers: { authorization: `Bearer ${adminToken}` } },
    ...Object.fromEntries(
      system.services.map((s) => [
        s.name,
        { url: `http://127.0.0.1:${servicePort(system, s.name)}/metrics`, headers: {} },
      ]),
    ),
  };
  const routes = {
    gateway: { url: `${gateway}/orders`, headers: { authorization: `Bearer ${token}` } },
    direct: { url: `http://127.0.0.1:${servicePort(system, 'order')}/orders`, headers: {} },
  };
  const results: Record<string, ReturnType<typeof report>> = {};
  for (const via of args.via!.split(',').filter(Boolean)) {
    const route = routes[via as keyof typeof routes];
    if (!route) throw new Error(`--via: unknown ${via} (gateway or direct)`);
    results[via] = await overloadOf(
      via,
      { ...route, headers: { ...route.headers, 'content-type': 'application/json' } },
      heapOf,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'overload',
      system: system.name,
      seconds,
      warmupSeconds,
      ...results,
      targets: TARGETS,
      targetsMet: Object.values(results).every((r) => r.targetsMet),
    }),
  );
} finally {
  await launched.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

interface Route {
  readonly url: string;
  readonly headers: Record<string, string>;
}

/** Capacity, then twice it for `seconds`, then half of it: what the refusals, memory and recovery were. */
async function overloadOf(via: string, route: Route, heapOf: Record<string, Route>) {
  await closedLoop(route, 20, 3); // warm-up: JIT, caches, pools
  // Fewer connections than any process lets in at once: a closed loop that met refusals would spin
  // on them and measure refusals, not capacity.
  const capacity = await closedLoop(route, 32, probeSeconds);
  const offered = args.rate === undefined ? 2 * capacity : Number(args.rate);
  const normalRate = Math.max(10, Math.round(offered / 4));
  const baseline = summary(await openLoop(route, normalRate, 3));
  const before = processes();
  const rss = new Map<string, number[]>();
  const heap = new Map<string, HeapSample[]>();
  const sampler = setInterval(() => {
    sampleRss(rss);
    for (const [name, from] of Object.entries(heapOf)) void sampleHeap(heap, name, from);
  }, 1000);
  console.error(
    `${via}: ${offered} requests/s for ${warmupSeconds} + ${seconds} s (capacity ${capacity}/s)…`,
  );
  // The load generator's own loop: a late one adds its lateness to every latency it measures.
  const generatorLoop = monitorEventLoopDelay({ resolution: 10 });
  generatorLoop.enable();
  const overload = await openLoop(route, offered, warmupSeconds + seconds);
  generatorLoop.disable();
  clearInterval(sampler);
  const overloadEnd = performance.now();
  const recovery = await openLoop(route, normalRate, 8);
  return {
    ...report({ capacity, offered, baseline, overload, recovery, overloadEnd, rss, before }),
    heapMb: heapReport(heap, warmupSeconds),
    generatorLoopDelayMs: {
      p99: Number((generatorLoop.percentile(99) / 1e6 - 10).toFixed(1)),
      max: Number((generatorLoop.max / 1e6 - 10).toFixed(1)),
    },
  };
}

interface Sample {
  /** performance.now() when sent. */
  readonly at: number;
  readonly ms: number;
  /** HTTP status, 0 for a connection error, -1 when no socket was free (not sent). */
  readonly status: number;
  readonly retryAfter: boolean;
  /** A 503's `code`: which bound refused it (the gateway's, a service's loop or ceiling, a breaker). */
  readonly code?: string;
}

/** Capacity: orders/s a closed loop of `connections` gets (2xx only), through the gateway. */
async function closedLoop(route: Route, connections: number, duration: number) {
  const result = await autocannon({
    url: route.url,
    method: 'POST',
    connections,
    duration,
    headers: route.headers,
    body: JSON.stringify(ORDER),
  });
  return Math.round(result['2xx'] / duration);
}

/** `rate` requests a second for `duration` s, sent on a clock; every answer timed. */
async function openLoop(route: Route, rate: number, duration: number): Promise<Sample[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENT_SOCKETS });
  const body = JSON.stringify(ORDER);
  const samples: Sample[] = [];
  const pending: Promise<void>[] = [];
  let inFlight = 0;
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < duration * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due; sent++) {
      if (inFlight >= CLIENT_SOCKETS) {
        samples.push({ at: performance.now(), ms: 0, status: -1, retryAfter: false });
        continue;
      }
      inFlight++;
      pending.push(
        post(agent, route, body).then((s) => {
          inFlight--;
          samples.push(s);
        }),
      );
    }
    await sleep(5);
  }
  await Promise.all(pending);
  agent.destroy();
  return samples;
}

function post(agent: http.Agent, route: Route, body: string): Promise<Sample> {
  const at = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      route.url,
      { method: 'POST', agent, headers: { ...route.headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        // Only a refusal's body is read: its code says who refused.
        const chunks: Buffer[] = [];
        if (res.statusCode === 503) res.on('data', (c: Buffer) => chunks.push(c));
        else res.resume();
        res.on('end', () =>
          resolve({
            at,
            ms: performance.now() - at,
            status: res.statusCode ?? 0,
            retryAfter: res.headers['retry-after'] !== undefined,
            code: chunks.length > 0 ? codeOf(Buffer.concat(chunks).toString()) : undefined,
          }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ at, ms: performance.now() - at, status: 0, retryAfter: false }));
    req.end(body);
  });
}

function codeOf(body: string): string {
  try {
    return String((JSON.parse(body) as { code?: unknown }).code);
  } catch {
    return 'not JSON';
  }
}

/** Refusals by code, each with its count and p99. */
function refusedBy(refused: readonly Sample[]) {
  const byCode = new Map<string, Sample[]>();
  for (const s of refused) {
    const code = s.code ?? 'none';
    const same = byCode.get(code) ?? [];
    same.push(s);
    byCode.set(code, same);
  }
  return Object.fromEntries(
    [...byCode].map(([code, ss]) => [code, { count: ss.length, p99Ms: percentile(ss, 99) }]),
  );
}

function summary(samples: readonly Sample[]) {
  const ok = samples.filter((s) => s.status >= 200 && s.status < 300);
  const refused = samples.filter((s) => s.status === 503);
  const start = firstSent(samples);
  return {
    sent: samples.filter((s) => s.status !== -1).length,
    notSent: samples.filter((s) => s.status === -1).length,
    accepted: ok.length,
    refused: refused.length,
    refusedWithRetryAfter: refused.filter((s) => s.retryAfter).length,
    other: samples.filter((s) => s.status > 0 && s.status !== 503 && (s.status < 200 || s.status >= 300))
      .length,
    connectionErrors: samples.filter((s) => s.status === 0).length,
    acceptedP50Ms: percentile(ok, 50),
    acceptedP99Ms: percentile(ok, 99),
    refusalP50Ms: percentile(refused, 50),
    refusalP99Ms: percentile(refused, 99),
    refusedBy: refusedBy(refused),
    // Each ten seconds' too: slow refusals all at the start (a cold process) read apart from
    // slow refusals all along.
    refusalP99ByTen: byTen(refused, start).map((ss) => percentile(ss, 99)),
    acceptedP99ByTen: byTen(ok, start).map((ss) => percentile(ss, 99)),
    // The first ten seconds by second: where the onset of the load (new connections, pools and
    // heaps growing) is slow.
    refusalP99FirstTenBySecond: bySecond(refused, start, 10).map((ss) => percentile(ss, 99)),
    acceptedP99FirstTenBySecond: bySecond(ok, start, 10).map((ss) => percentile(ss, 99)),
  };
}

function firstSent(samples: readonly Sample[]): number {
  return samples.reduce((t, s) => Math.min(t, s.at), Number.POSITIVE_INFINITY);
}

/** Samples by the ten seconds after `start` they were sent in. */
function byTen(samples: readonly Sample[], start: number): Sample[][] {
  return bySpan(samples, start, 10_000);
}

/** Samples by the second after `start` they were sent in, for the first `seconds`. */
function bySecond(samples: readonly Sample[], start: number, seconds: number): Sample[][] {
  return bySpan(samples, start, 1000).slice(0, seconds);
}

function bySpan(samples: readonly Sample[], start: number, spanMs: number): Sample[][] {
  const spans: Sample[][] = [];
  for (const s of samples) {
    const i = Math.floor((s.at - start) / spanMs);
    spans[i] ??= [];
    spans[i].push(s);
  }
  return Array.from(spans, (ss) => ss ?? []);
}

function percentile(samples: readonly Sample[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1));
}

/**
 * Ms from the end of the overload until the 250 ms windows of normal load have a p99 within
 * twice the baseline's (plus 5 ms for a quiet machine's jitter) and no refusal, for good.
 */
function recoveryMs(samples: readonly Sample[], overloadEnd: number, baselineP99: number): number | null {
  const limit = 2 * baselineP99 + 5;
  const windows = new Map<number, Sample[]>();
  for (const s of samples) {
    const w = Math.floor((s.at - overloadEnd) / 250);
    windows.set(w, [...(windows.get(w) ?? []), s]);
  }
  const ordered = [...windows.entries()].sort(([a], [b]) => a - b);
  let recoveredAt: number | null = null;
  for (const [w, ws] of ordered) {
    const good = ws.every((s) => s.status >= 200 && s.status < 300) && (percentile(ws, 99) ?? 0) <= limit;
    if (!good) recoveredAt = null;
    else recoveredAt ??= w * 250;
  }
  return recoveredAt === null ? null : Math.max(0, recoveredAt);
}

function processes(): Map<string, { pid: number; restarts: number }> {
  return new Map(
    launched.supervisor
      .status()
      .map((i) => [`${i.id}#${i.replica}`, { pid: i.pid ?? 0, restarts: i.restarts }]),
  );
}

function sampleRss(rss: Map<string, number[]>): void {
  for (const [name, { pid }] of processes()) {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      rss.set(name, [...(rss.get(name) ?? []), kb / 1024]);
    } catch {
      // gone between status() and the read: counted as a crash below
    }
  }
}

/** MB of the V8 heap's spaces (size: reserved; used: live and not yet collected) and off the heap. */
interface HeapSample {
  readonly newSize: number;
  readonly oldSize: number;
  readonly oldUsed: number;
  readonly external: number;
  /** The loop's p99 delay over the last second, ms. */
  readonly loopP99Ms: number;
}

async function sampleHeap(heap: Map<string, HeapSample[]>, name: string, from: Route): Promise<void> {
  try {
    const text = await (await fetch(from.url, { headers: from.headers })).text();
    const mb = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
    const sample = {
      ...Object.fromEntries(Object.entries(HEAP_METRICS).map(([k, re]) => [k, mb(re)])),
      loopP99Ms: Number(LOOP_LAG_P99.exec(text)?.[1] ?? Number.NaN) * 1000,
    } as HeapSample;
    heap.set(name, [...(heap.get(name) ?? []), sample]);
  } catch {
    // a scrape that failed under the load is a missing point, not a result
  }
}

/**
 * Each heap figure's mean over the first ten samples after the warm-up and the last ten; the
 * loop's delay as the median and the worst of its per-second p99s, warm-up included (a loop late
 * all along reads apart from one that stalls).
 */
function heapReport(heap: Map<string, HeapSample[]>, warmup: number) {
  const mean = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);
  return Object.fromEntries(
    [...heap].map(([name, samples]) => {
      const loop = samples.map((s) => s.loopP99Ms).sort((a, b) => a - b);
      return [
        name,
        {
          ...Object.fromEntries(
            (Object.keys(HEAP_METRICS) as (keyof typeof HEAP_METRICS)[]).map((k) => [
              k,
              [
                mean(samples.slice(warmup, warmup + 10).map((s) => s[k])),
                mean(samples.slice(-10).map((s) => s[k])),
              ],
            ]),
          ),
          loopP99Ms: { median: Math.round(loop[loop.length >> 1]), max: Math.round(loop[loop.length - 1]) },
        },
      ];
    }),
  );
}

function report(r: {
  capacity: number;
  offered: number;
  baseline: ReturnType<typeof summary>;
  overload: Sample[];
  recovery: Sample[];
  overloadEnd: number;
  rss: Map<string, number[]>;
  before: Map<string, { pid: number; restarts: number }>;
}) {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rssMb = Object.fromEntries(
    [...r.rss].map(([name, mbs]) => {
      // One sample a second from the overload's start: the judged minute starts after the warm-up.
      const first = mean(mbs.slice(warmupSeconds, warmupSeconds + 10));
      const last = mean(mbs.slice(-10));
      const withWarmup = pct(mean(mbs.slice(0, 10)), last);
      // Each ten seconds' mean too: growth that levels off (a heap finding its size) reads apart
      // from growth that keeps on (a leak, a queue).
      const byTen = Array.from({ length: Math.ceil(mbs.length / 10) }, (_, i) =>
        Math.round(mean(mbs.slice(i * 10, i * 10 + 10))),
      );
      return [
        name,
        {
          firstMb: Math.round(first),
          lastMb: Math.round(last),
          growthPct: pct(first, last),
          growthWithWarmupPct: withWarmup,
          byTen,
        },
      ];
    }),
  );
  const maxRssGrowthPct = Math.max(...Object.values(rssMb).map((x) => x.growthPct));
  const now = processes();
  const crashes = [...r.before]
    .filter(([name, p]) => now.get(name)?.pid !== p.pid || now.get(name)!.restarts !== p.restarts)
    .map(([name]) => name);
  const overload = summary(r.overload);
  const recovered = recoveryMs(r.recovery, r.overloadEnd, r.baseline.acceptedP99Ms ?? 0);
  return {
    capacityPerSecond: r.capacity,
    offeredPerSecond: r.offered,
    baseline: { p50Ms: r.baseline.acceptedP50Ms, p99Ms: r.baseline.acceptedP99Ms },
    overload,
    rssMb,
    maxRssGrowthPct,
    crashed: crashes,
    recoveryMs: recovered,
    targetsMet:
      overload.refused > 0 &&
      overload.refusedWithRetryAfter === overload.refused &&
      (overload.refusalP99Ms ?? Infinity) < TARGETS.refusalP99Ms &&
      maxRssGrowthPct < TARGETS.rssGrowthPct &&
      crashes.length === 0 &&
      recovered !== null &&
      recovered <= TARGETS.recoveryMs,
  };
}

function pct(first: number, last: number): number {
  return Number((((last - first) / first) * 100).toFixed(1));
}

function customerToken(): Promise<string> {
  return accessToken(
    { grant_type: 'password', username: 'customer1', password: 'customer1', audience: system.name },
    'bounded-web',
  );
}

async function accessToken(form: Record<string, string>, client: string): Promise<string> {
  const response = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client}:dev-secret`).toString('base64')}` },
    body: new URLSearchParams(form),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
