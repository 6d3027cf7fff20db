// npm run bench:gateway — the same GET direct to a tiny upstream service vs through the gateway
// (JWT verified on every request). Upstream, auth and gateway run as separate processes from esbuild
// bundles (no tsx loader). autocannon, fixed concurrency. Last line: one JSON object.
//   --seconds S       per measurement (default 5)
//   --connections N   (default 20)
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bundle } from '@bounded/bundle';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '20' },
  },
});

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
  process.send!({ address, token: access_token });
}

async function gatewayProcess(): Promise<void> {
  const { createGateway } = await import('@bounded/gateway');
  const target = process.env.BENCH_UPSTREAM!;
  const authUrl = process.env.BENCH_AUTH!;
  const { app, verifier } = createGateway({
    system: 'flowerdelivery',
    routes: [{ prefix: '/orders', service: 'order' }],
    targets: () => [target],
    jwks: new URL(`${authUrl}/.well-known/jwks.json`),
    authUrl,
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

let bundled: string;
const children: ChildProcess[] = [];

function start<T>(role: string, env: Record<string, string> = {}): Promise<T> {
  const child = fork(bundled, ['--role', role], {
    execArgv: role === 'gateway' ? (process.env.GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime: clock ticks of 10 ms
}

/** CPU µs per request of each process during `run`: where the two cores went. */
async function cpuPerRequest<T extends { requests: number }>(
  processes: Record<string, number>,
  run: () => Promise<T>,
): Promise<T & { cpuPerRequestUs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMs(pid)]));
  const self = process.cpuUsage();
  const result = await run();
  const selfUs = process.cpuUsage(self);
  const cpu: Record<string, number> = {};
  for (const [name, pid] of Object.entries(processes)) {
    cpu[name] = Math.round(((cpuMs(pid) - before[name]) * 1000) / result.requests);
  }
  cpu.loadGenerator = Math.round((selfUs.user + selfUs.system) / result.requests);
  return { ...result, cpuPerRequestUs: cpu };
}

async function measure(url: string, token: string | undefined, seconds: number) {
  const result = await autocannon({
    url,
    connections: Number(args.connections),
    duration: seconds,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  }
  return {
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

async function main(): Promise<void> {
  bundled = await bundle(import.meta.filename, 'bench-gateway');
  const seconds = Number(args.seconds);
  try {
    const [{ address: upstream }, { address: auth, token }] = await Promise.all([
      start<{ address: string }>('upstream'),
      start<{ address: string; token: string }>('auth'),
    ]);
    const { address: gateway } = await start<{ address: string }>('gateway', {
      BENCH_UPSTREAM: upstream,
      BENCH_AUTH: auth,
    });
    console.error('warm-up…');
    await measure(`${upstream}/orders/1`, undefined, 1);
    await measure(`${gateway}/orders/1`, token, 1);
    console.error(`direct: ${seconds} s at ${args.connections} connections…`);
    const [upstreamPid, , gatewayPid] = children.map((c) => c.pid!);
    const direct = await cpuPerRequest({ upstream: upstreamPid }, () =>
      measure(`${upstream}/orders/1`, undefined, seconds),
    );
    console.error(`gateway: ${seconds} s…`);
    const viaGateway = await cpuPerRequest({ gateway: gatewayPid, upstream: upstreamPid }, () =>
      measure(`${gateway}/orders/1`, token, seconds),
    );
    console.error('one connection, 3000 sequential requests each…');
    await sequential(`${gateway}/orders/1`, token, 500);
    const directSeq = await sequential(`${upstream}/orders/1`, undefined, 3000);
    const gatewaySeq = await sequential(`${gateway}/orders/1`, token, 3000);
    console.log(
      JSON.stringify({
        bench: 'gateway',
        connections: Number(args.connections),
        seconds,
        direct,
        gateway: viaGateway,
        throughputRatio: Number((viaGateway.rps / direct.rps).toFixed(3)),
        addedP50Ms: Number((viaGateway.p50Ms - direct.p50Ms).toFixed(2)),
        oneConnection: {
          direct: directSeq,
          gateway: gatewaySeq,
          addedP50Ms: Number((gatewaySeq.p50Ms - directSeq.p50Ms).toFixed(3)),
        },
        targets: { throughputRatio: 0.6, addedP50Ms: 0.5 },
      }),
    );
  } finally {
    for (const c of children) c.kill();
  }
}

if (args.role === 'upstream') await upstreamProcess();
else if (args.role === 'auth') await authProcess();
else if (args.role === 'gateway') await gatewayProcess();
else await main();
