// npm run bench:gateway — the same GET to a tiny upstream service, one after another in one run:
// direct; through our gateway (JWT verified); through Spring Cloud Gateway (JWT verified against
// the same auth service's JWKS, bench/peers/scg); through nginx (plain reverse proxy, no JWT: the
// floor of one proxy hop). Same upstream route, same load generator (autocannon), same connection
// count; each is warmed up under load the same way before it is measured. Upstream, auth and our
// gateway run as separate processes from esbuild bundles (no tsx loader). A peer that cannot be
// installed or built (bench/peers/build.sh) is skipped with a "skipped: …" line.
// Last line: one JSON object.
//   --seconds S       measured window per gateway (default 10)
//   --warmup S        load before each measured window, for the JVM's JIT to settle (default 30)
//   --connections N   (default 20)
//   --gateways LIST   of direct,ours,ours-uncached,scg,nginx (default all five); ours-uncached is
//                     ours with its verified-token cache off (a signature check on every request,
//                     as Spring's JWT decoder does)
//   --alg ES256|RS256 how the auth service signs the token (default ES256, as it does by default)
// BENCH_SCG_JAVA_OPTS adds JVM options (default: none, the JVM's defaults, as a user would run it);
// GATEWAY_NODE_ARGS adds node options to our gateway (e.g. --cpu-prof).
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { bundle } from '@bounded/bundle';
import autocannon from 'autocannon';
import {
  type Peer,
  type PeerName,
  preparePeers,
  scgJava,
  startNginx,
  startScg,
  treeCpuMs,
  treeRssMB,
} from './peers/peers.ts';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '30' },
    connections: { type: 'string', default: '20' },
    gateways: { type: 'string', default: 'direct,ours,ours-uncached,scg,nginx' },
    alg: { type: 'string', default: 'ES256' },
  },
});

const AUDIENCE = 'flowerdelivery';
const TARGETS = {
  oursVsScgRps: 1.2,
  oursRssVsScg: 1,
  oursCpuMicrosPerRequest: 120,
  oursAddedP50MsOneConnection: 0.5,
};

/** A tiny kernel service (the same stack real services use), logging at warn like the gateway. */
async function upstreamProcess(): Promise<void> {
  const { buildApp } = await import('@bounded/kernel');
  const app = buildApp({ name: 'bench-upstream', logger: { level: 'warn' } });
  app.get('/orders/:id', async (req) => ({
    id: Number((req.params as { id: string }).id),
    itemName: 'roses',
    qty: 1,
  }));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  process.send!({ address });
}

async function authProcess(): Promise<void> {
  const { buildDirectory, createAuthService, devConfig } = await import('@bounded/auth');
  const auth = await createAuthService({
    directory: await buildDirectory(devConfig()),
    alg: args.alg as 'ES256' | 'RS256',
    logger: { level: 'warn' },
  });
  const address = await auth.app.listen({ host: '127.0.0.1', port: 0 });
  const { access_token } = await auth.issue({
    sub: 'customer1',
    name: 'customer1',
    roles: ['customer'],
    aud: 'flowerdelivery',
    clientId: 'bench',
  });
  process.send!({ address, token: access_token, issuer: auth.issuer });
}

async function gatewayProcess(): Promise<void> {
  const { createGateway, createVerifier } = await import('@bounded/gateway');
  const target = process.env.BENCH_UPSTREAM!;
  const authUrl = process.env.BENCH_AUTH!;
  const jwks = new URL(`${authUrl}/.well-known/jwks.json`);
  const issuer = process.env.BENCH_ISSUER;
  // ours-uncached: the signature checked on every request, the same work as Spring's decoder does.
  const cacheSize = process.env.BENCH_TOKEN_CACHE === 'off' ? 0 : undefined;
  const { app, verifier } = createGateway({
    system: 'flowerdelivery',
    routes: [{ prefix: '/orders', service: 'order' }],
    targets: () => [target],
    jwks,
    authUrl,
    issuer,
    verifier: createVerifier({ jwks, audience: 'flowerdelivery', issuer, cacheSize }),
    logger: { level: 'warn' },
  });
  await verifier.refresh();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  // Exit normally on kill, so a profile asked for in GATEWAY_NODE_ARGS (--cpu-prof) gets written.
  process.once('SIGTERM', () => process.exit(0));
  process.send!({ address });
}

/** Unloaded latency, one request at a time, timed in µs (autocannon's histogram counts whole ms). */
async function sequential(url: string, token: string | undefined, count: number) {
  const { Pool } = await import('undici');
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: 1 });
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await pool.request({ method: 'GET', path: u.pathname, headers });
    await res.body.dump();
    times.push(performance.now() - start);
  }
  await pool.close();
  times.sort((a, b) => a - b);
  const at = (p: number) => Number(times[Math.floor((p / 100) * (times.length - 1))].toFixed(3));
  return { p50Ms: at(50), p99Ms: at(99) };
}

/** A role's process ends with the bench's, however the bench ended (its IPC channel closes). */
function exitWithParent(): void {
  process.once('disconnect', () => process.exit(0));
}

let bundled: string;
const children: ChildProcess[] = [];

async function start<T>(role: string, env: Record<string, string> = {}): Promise<T> {
  // Imported here, not at the top: this file is every role's bundle, and the runner's code would
  // weigh on the gateway's memory that is measured.
  const { NODE_ARGS } = await import('@bounded/runner');
  const child = fork(bundled, ['--role', role], {
    // Node's flags as the runner starts every process (its young-generation cap), and the gateway's extra.
    execArgv: [
      ...NODE_ARGS,
      ...(role === 'gateway' ? (process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : []),
    ],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

async function load(url: string, token: string | undefined, seconds: number) {
  const codes = new Map<string, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: Number(args.connections),
        duration: seconds,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    instance.on('reqError', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    });
  });
  const failed = result.non2xx + result.errors;
  if (failed > 0) {
    const why = `${result.non2xx} non-2xx, ${result.errors} errors ${JSON.stringify(Object.fromEntries(codes))}`;
    // A rare reset on a busy machine is reported; more than one request in a thousand is a fault.
    if (failed * 1000 > result.requests.total) throw new Error(`${url}: ${why}`);
    console.error(`  ${url}: ${why} of ${result.requests.total} requests`);
  }
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed,
  };
}

interface Subject {
  name: 'direct' | 'ours' | 'ours-uncached' | PeerName;
  url: string;
  /** The gateway process measured (the upstream's, for direct). */
  pid: number;
  /** Whether it verifies the JWT (nginx does not; direct sends none). */
  jwt: boolean;
}

/**
 * Warm-up under load, then the measured window: requests/s, latency, and the CPU (user+sys from
 * /proc) the gateway process and the upstream spent per request; RSS after it; then latency one
 * request at a time on one connection.
 */
async function measure(subject: Subject, upstreamPid: number, token: string) {
  const url = `${subject.url}/orders/1`;
  const bearer = subject.jwt ? token : undefined;
  const seconds = Number(args.seconds);
  if (subject.jwt) await expectRefused(url, token);
  console.error(
    `${subject.name}: warm-up ${args.warmup} s, then ${seconds} s at ${args.connections} connections…`,
  );
  await load(url, bearer, Number(args.warmup));
  const before = { gateway: treeCpuMs(subject.pid), upstream: treeCpuMs(upstreamPid) };
  const result = await load(url, bearer, seconds);
  const perRequest = (ms: number) => Math.round((ms * 1000) / result.requests);
  const gatewayCpu = perRequest(treeCpuMs(subject.pid) - before.gateway);
  const upstreamCpu = perRequest(treeCpuMs(upstreamPid) - before.upstream);
  const rssMB = treeRssMB(subject.pid);
  await sequential(url, bearer, 500);
  const oneConnection = await sequential(url, bearer, 3000);
  console.error(`  ${result.rps} requests/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
  return {
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    requests: result.requests,
    failed: result.failed,
    jwt: subject.jwt,
    // Direct has no gateway process: its figures are the upstream's alone.
    cpuMicrosPerRequest: subject.name === 'direct' ? null : gatewayCpu,
    rssMB: subject.name === 'direct' ? null : rssMB,
    upstreamCpuMicrosPerRequest: upstreamCpu,
    oneConnection,
  };
}

/** A gateway measured "with JWT" must really check it: no token, or a forged signature, is a 401. */
async function expectRefused(url: string, token: string): Promise<void> {
  const [header, payload, signature] = token.split('.');
  const forged = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  for (const authorization of [undefined, `Bearer ${forged}`]) {
    const res = await fetch(url, { headers: authorization ? { authorization } : {} });
    await res.arrayBuffer();
    if (res.status !== 401) throw new Error(`${url} answered ${res.status} to a missing or forged token`);
  }
}

/** Our gateway (with or without its token cache), or a peer, in front of the upstream. */
async function startSubject(
  name: string,
  upstream: string,
  auth: string,
  issuer: string,
): Promise<Pick<Peer, 'url' | 'pid' | 'stop'>> {
  if (name === 'ours' || name === 'ours-uncached') {
    const { address } = await start<{ address: string }>('gateway', {
      BENCH_UPSTREAM: upstream,
      BENCH_AUTH: auth,
      BENCH_ISSUER: issuer,
      BENCH_TOKEN_CACHE: name === 'ours' ? 'on' : 'off',
    });
    const child = children.at(-1)!;
    const stop = async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    };
    return { url: address, pid: child.pid!, stop };
  }
  if (name === 'nginx') return startNginx(upstream);
  if (name !== 'scg')
    throw new Error(`--gateways: unknown ${name} (direct, ours, ours-uncached, scg or nginx)`);
  return startScg({
    java: scgJava().java,
    upstream,
    jwks: `${auth}/.well-known/jwks.json`,
    audience: AUDIENCE,
    issuer,
    javaOptions: process.env.BENCH_SCG_JAVA_OPTS?.split(' ').filter(Boolean),
  });
}

const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a == null || b == null ? null : Number((a / b).toFixed(3));

async function main(): Promise<void> {
  bundled = await bundle(import.meta.filename, 'bench-gateway');
  const wanted = args.gateways!.split(',').filter(Boolean);
  const peers = wanted.filter((g): g is PeerName => g === 'scg' || g === 'nginx');
  const skipped = Object.fromEntries(preparePeers(peers));
  const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  const loadBefore = loadavg()[0];
  let peer: Pick<Peer, 'stop' | 'url' | 'pid'> | undefined;
  try {
    const [{ address: upstream }, { address: auth, token, issuer }] = await Promise.all([
      start<{ address: string }>('upstream'),
      start<{ address: string; token: string; issuer: string }>('auth'),
    ]);
    const [upstreamPid] = children.map((c) => c.pid!);
    for (const name of wanted) {
      if (name in skipped) continue;
      if (name === 'direct') {
        const subject = { name, url: upstream, pid: upstreamPid, jwt: false } as const;
        results.direct = await measure(subject, upstreamPid, token);
        continue;
      }
      // One gateway at a time: a JVM idling beside another gateway's measurement would skew it.
      peer = await startSubject(name, upstream, auth, issuer);
      const subject = { name: name as Subject['name'], url: peer.url, pid: peer.pid, jwt: name !== 'nginx' };
      results[name] = await measure(subject, upstreamPid, token);
      await peer.stop();
      peer = undefined;
    }
    const { direct, ours, scg } = results;
    const added = (r: (typeof results)[string] | undefined) =>
      r && direct ? Number((r.oneConnection.p50Ms - direct.oneConnection.p50Ms).toFixed(3)) : null;
    const vsDirect = Object.fromEntries(
      Object.entries(results)
        .filter(([name]) => name !== 'direct')
        .map(([name, r]) => [
          name,
          { rpsRatio: ratio(r.rps, direct?.rps), addedP50MsOneConnection: added(r) },
        ]),
    );
    const oursVsScgRps = ratio(ours?.rps, scg?.rps);
    const oursRssVsScg = ratio(ours?.rssMB, scg?.rssMB);
    const addedOurs = added(ours);
    const oursCpu = ours?.cpuMicrosPerRequest;
    console.log(
      JSON.stringify({
        bench: 'gateway',
        connections: Number(args.connections),
        seconds: Number(args.seconds),
        warmupSeconds: Number(args.warmup),
        ...('scg' in results ? { scgJava: scgJava().version } : {}),
        // How busy the machine was (1-minute load average, 2 cores): compare figures within a run.
        loadAverage: { start: Number(loadBefore.toFixed(1)), end: Number(loadavg()[0].toFixed(1)) },
        gateways: results,
        skipped,
        vsDirect,
        oursVsScgRps,
        oursRssVsScg,
        targets: TARGETS,
        // null where a figure it needs was not measured (a peer skipped, or not asked for).
        targetsMet: {
          oursVsScgRps: oursVsScgRps === null ? null : oursVsScgRps >= TARGETS.oursVsScgRps,
          oursRssVsScg: oursRssVsScg === null ? null : oursRssVsScg <= TARGETS.oursRssVsScg,
          oursCpuMicrosPerRequest: oursCpu == null ? null : oursCpu <= TARGETS.oursCpuMicrosPerRequest,
          oursAddedP50MsOneConnection:
            addedOurs === null ? null : addedOurs < TARGETS.oursAddedP50MsOneConnection,
        },
      }),
    );
  } finally {
    await peer?.stop();
    for (const c of children) c.kill();
  }
}

if (args.role) exitWithParent();
if (args.role === 'upstream') await upstreamProcess();
else if (args.role === 'auth') await authProcess();
else if (args.role === 'gateway') await gatewayProcess();
else await main();
