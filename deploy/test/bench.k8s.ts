// npm run bench:k8s (deploy/bench.sh runs this inside the cluster's network namespace):
// flowerdelivery's orders/s through its gateway on the cluster, then through the same services on
// the local runner, in one run; the time from `helm install` to every pod Ready; the pods' RSS.
// Last line: one JSON object.
//   BENCH_SECONDS (default 10) per side, BENCH_CONNECTIONS (default 30).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, platformProcesses } from '@bounded/runner';
import autocannon from 'autocannon';
import { system } from '../../systems/flowerdelivery/system.ts';
import { helm, type Json, kubectl, nodeIn, RELEASE, send, token, until } from './k8s.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHART = join(ROOT, 'deploy', 'helm', 'bounded');
const image = process.env.K8S_IMAGE ?? 'localhost/bounded:latest';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 30);
const body = JSON.stringify({ storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000 });

async function orders(port: number, bearer: string) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/orders`,
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });
  return {
    // Only orders placed (201) count; anything else is reported as non2xx.
    ordersPerSecond: Math.round(result['2xx'] / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const figures: Json = { bench: 'k8s', system: 'flowerdelivery', image, seconds, connections };
const t0 = Date.now();
await helm(
  'install',
  RELEASE,
  CHART,
  '--create-namespace',
  '-f',
  join(ROOT, 'deploy', 'helm', 'values-embedded.yaml'),
  '--set',
  'image.pullPolicy=Never',
  '--set',
  `image.repository=${image.slice(0, image.lastIndexOf(':'))}`,
  '--set',
  `image.tag=${image.slice(image.lastIndexOf(':') + 1)}`,
  '--set-json',
  'enabled=["flowerdelivery"]',
  '--set',
  `persistence.hostPath=${process.env.K8S_VOLUMES}`,
  '--wait',
  '--timeout',
  '6m',
);
figures.helmInstallToReadySeconds = (Date.now() - t0) / 1000;
const cluster = await token(30200, 'flowerdelivery', 'customer1');
// Ready pods are reachable once kube-proxy has programmed their Services (a second or two).
await until(
  'the first order',
  60_000,
  async () =>
    (await send(30200, 'POST', '/orders', { token: cluster, body: JSON.parse(body) })).status === 201,
  500,
);
await orders(30200, cluster); // warm-up
figures.cluster = await orders(30200, cluster);
// RSS of each pod's node process (its PID 1), after the load.
const pods = (JSON.parse(kubectl('get', 'pods', '-o', 'json')).items as Json[]).map(
  (p) => p.metadata.name as string,
);
figures.podRssMb = Object.fromEntries(
  pods.map((pod) => [
    pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''),
    // PID 1 is the pod's process (kubectl exec starts another node beside it).
    Math.round(
      Number(
        nodeIn(
          pod,
          "import { readFileSync } from 'node:fs'; console.log(/VmRSS:\\s+(\\d+)/.exec(readFileSync('/proc/1/status', 'utf8'))[1])",
        ),
      ) / 1024,
    ),
  ]),
);
await helm('uninstall', RELEASE, '--wait');
await until(
  'no pods',
  120_000,
  () => JSON.parse(kubectl('get', 'pods', '-o', 'json')).items.length === 0,
  2000,
);

// The same services on the local runner (this network namespace's loopback: the default ports are free).
const dataDir = mkdtempSync(join(tmpdir(), 'bounded-bench-k8s-'));
const launched = await launch({
  systems: [system],
  dataDir,
  controlPort: 8000,
  sink: () => {},
  platform: platformProcesses({ authPort: 8090 }),
});
try {
  const local = await token(system.basePort, 'flowerdelivery', 'customer1');
  await orders(system.basePort, local);
  figures.localRunner = await orders(system.basePort, local);
} finally {
  await launched.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
figures.clusterVsRunner =
  Math.round((figures.cluster.ordersPerSecond / figures.localRunner.ordersPerSecond) * 100) / 100;
console.log(JSON.stringify(figures));
