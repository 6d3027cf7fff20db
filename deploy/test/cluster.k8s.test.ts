/**
 * The seeds' operations checkpoints on a real single-node Kubernetes (deploy/k8s/cluster.sh),
 * with the chart (deploy/helm/bounded) and the image (deploy/images.sh). Run by deploy/test.sh
 * (`npm run test:k8s`), which builds what is missing, starts the cluster, imports the image and
 * runs this file inside the cluster's network namespace, then tears everything down.
 * Env from deploy/test.sh: K8S_IMAGE (localhost/bounded:<tag>), K8S_VOLUMES (hostPath folder),
 * K8S_SYSTEMS (comma list, default flowerdelivery,malltail), K8S_FIGURES (a JSON file for the
 * figures this run measured).
 */
import assert from 'node:assert/strict';
import { execFileSync as exec } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  helm,
  isReady,
  type Json,
  kjson,
  kubectl,
  type LoadStats,
  load,
  NAMESPACE,
  nodeIn,
  podsOf,
  RELEASE,
  rolledOut,
  send,
  sleep,
  stopAllLoads,
  token,
  until,
} from './k8s.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHART = join(ROOT, 'deploy', 'helm', 'bounded');
const image = process.env.K8S_IMAGE ?? 'localhost/bounded:latest';
const [repository, tag] = [image.slice(0, image.lastIndexOf(':')), image.slice(image.lastIndexOf(':') + 1)];
const volumes = process.env.K8S_VOLUMES ?? '/tmp/bounded-k8s-volumes';
const systems = (process.env.K8S_SYSTEMS ?? 'flowerdelivery,malltail').split(',').filter(Boolean);
const figures: Json = { image, systems };
const FD = 30200; // flowerdelivery's gateway NodePort (22000 + its base port)
const MT = 30500; // malltail's
const seedOrder = { storeName: 'KJSHOP', itemName: '장미 한바구니', qty: 1, itemPrice: 50000 };

// The auth service's signing key, made here and given to the chart (a Secret): every auth
// replica, old and new, signs with it, so tokens outlive a rollout of auth.
const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const kid = `k8s-test-${randomUUID().slice(0, 8)}`;
const authConfig = { keys: [{ ...jwk, kid, alg: 'ES256' }] };

const baseArgs = [
  '-f',
  join(ROOT, 'deploy', 'helm', 'values-embedded.yaml'),
  '-f',
  join(ROOT, 'deploy', 'test', 'values-k8s.yaml'),
  '--set',
  `image.repository=${repository}`,
  '--set-json',
  `enabled=${JSON.stringify(systems)}`,
  '--set',
  `persistence.hostPath=${volumes}`,
  '--set-json',
  `auth.config=${JSON.stringify(authConfig)}`,
  // More values for a run (e.g. smaller CPU requests when all five systems share the node).
  ...(process.env.K8S_HELM_SET ? ['--set', process.env.K8S_HELM_SET] : []),
];
const upgrade = (...args: string[]) =>
  helm('upgrade', RELEASE, CHART, ...baseArgs, '--wait', '--timeout', '5m', ...args);

/** Retags the image inside the node's containerd: a new tag makes `helm upgrade` roll every pod. */
function retag(newTag: string): void {
  const sock = process.env.K8S_CONTAINERD_SOCK as string;
  exec('ctr', [
    '--address',
    sock,
    '-n',
    'k8s.io',
    'images',
    'tag',
    '--force',
    image,
    `${repository}:${newTag}`,
  ]);
}

// customer1's token, asked for once when first needed: a test that failed before getting it
// leaves the next ones their own try (a CI run's first token request failed, and every later
// checkpoint then failed on 401 with no token, hiding what they check).
let fdToken = '';
const fdAuth = async () => {
  fdToken ||= await token(FD, 'flowerdelivery', 'customer1');
  return fdToken;
};
const placeOrder = async (timeoutMs?: number) =>
  send(FD, 'POST', '/orders', { token: await fdAuth(), body: seedOrder, timeoutMs });

describe('the chart on a real cluster', { timeout: 30 * 60_000 }, () => {
  before(async () => {
    for (const system of systems) mkdirSync(join(volumes, `${RELEASE}-${system}`), { recursive: true });
    exec('chown', ['-R', '10001:10001', volumes]);
    kubectl('version', '--client');
  });

  after(async () => {
    await stopAllLoads();
    if (process.env.K8S_FIGURES) {
      mkdirSync(dirname(process.env.K8S_FIGURES), { recursive: true });
      writeFileSync(process.env.K8S_FIGURES, `${JSON.stringify(figures, null, 2)}\n`);
    }
    console.log(`K8S_FIGURES ${JSON.stringify(figures)}`);
  });

  it('installs: every pod Ready; the image starts and is small', async () => {
    const t0 = Date.now();
    await helm(
      'install',
      RELEASE,
      CHART,
      '--create-namespace',
      ...baseArgs,
      '--set',
      `image.tag=${tag}`,
      '--wait',
      '--timeout',
      '6m',
    );
    figures.installToReadySeconds = (Date.now() - t0) / 1000;
    const pods = kjson('get', 'pods').items as Json[];
    const expected = 1 + systems.length; // auth + a gateway per system, plus the services:
    const services = systems.reduce(
      (n, s) =>
        n + (JSON.parse(readFileSync(join(CHART, 'systems', `${s}.json`), 'utf8')) as Json).services.length,
      0,
    );
    assert.equal(pods.length, expected + services, 'one pod per deployment');
    for (const pod of pods) assert.ok(isReady(pod), `${pod.metadata.name} Ready`);
    // Start time: container started → Ready, per pod (the kubelet's timestamps, 1 s resolution).
    const startToReady = pods.map((p) => {
      const started = Date.parse(p.status.containerStatuses[0].state.running.startedAt);
      const ready = Date.parse(
        (p.status.conditions as Json[]).find((c) => c.type === 'Ready')?.lastTransitionTime,
      );
      return (ready - started) / 1000;
    });
    figures.containerStartToReadySeconds = {
      min: Math.min(...startToReady),
      median: startToReady.sort((a, b) => a - b)[Math.floor(startToReady.length / 2)],
      max: Math.max(...startToReady),
    };
    // Every container runs as uid 10001, node as PID 1.
    const pod = podsOf('flowerdelivery-order')[0].metadata.name as string;
    const pid1 = nodeIn(
      pod,
      "import { readFileSync as r } from 'node:fs';" +
        "console.log(r('/proc/1/cmdline', 'utf8').split('\\0').join(' ').trim(), '|', /Uid:\\s+(\\d+)/.exec(r('/proc/1/status', 'utf8'))[1])",
    );
    assert.equal(pid1, 'node /app/start.mjs flowerdelivery-order | 10001', 'node is PID 1, as uid 10001');
  });

  it('serves the seed scenarios through the gateways NodePorts on 127.0.0.1 with a JWT', async () => {
    await fdAuth();
    // The token is signed with the key from the chart's Secret.
    const header = JSON.parse(Buffer.from(fdToken.split('.')[0], 'base64url').toString()) as Json;
    assert.equal(header.kid, kid, 'signed with the configured key');
    assert.equal((await send(FD, 'GET', '/orders')).status, 401, 'no token, no entry');
    const placed = await placeOrder();
    assert.equal(placed.status, 201, placed.text);
    assert.ok(String(placed.headers.location).includes('/orders/'), 'Location');
    const orderId = placed.body.id as number;
    await until('the order on MyPage', 20_000, async () => {
      const res = await send(FD, 'GET', `/myPages?orderId=${orderId}`, { token: fdToken });
      return res.status === 200 && (res.body._embedded?.myPages as Json[] | undefined)?.length === 1;
    });
    if (systems.includes('malltail')) {
      const mt = await token(MT, 'malltail', 'customer1');
      const order = await send(MT, 'POST', '/orders', {
        token: mt,
        body: { itemNo: 1001, customerAddress: 'Seoul' },
      });
      assert.equal(order.status, 201, order.text);
      assert.equal(order.body.customerId, 'customer1', 'identity from the token');
      await until('the order on statusViews', 20_000, async () => {
        const res = await send(MT, 'GET', `/statusViews?size=100`, { token: mt });
        return (
          res.status === 200 &&
          (res.body._embedded?.statusViews as Json[] | undefined)?.some((v) =>
            JSON.stringify(v).includes(String(order.body.id)),
          )
        );
      });
    }
  });

  it('rolls out a new image under load with 100% success; without the readiness probe, requests fail', async () => {
    retag(`${tag}-r1`);
    const good = await underLoad(async () => {
      const t0 = Date.now();
      await upgrade('--set', `image.tag=${tag}-r1`);
      await rolledOut(300_000);
      figures.rolloutSeconds = (Date.now() - t0) / 1000;
    });
    figures.rolloutWithReadiness = good;
    assert.ok(
      podsOf('flowerdelivery-order').every((p) => p.spec.containers[0].image.endsWith(`:${tag}-r1`)),
      'the new image runs',
    );
    assert.ok(good.ok > 50, `orders were placed during the rollout (${good.ok})`);
    assert.equal(good.failed, 0, `no request failed during the rollout: ${JSON.stringify(good.failures)}`);

    // The seeds' "before" picture: the same rollout between pods with no readiness (nor start-up)
    // probe and no drain, as the seeds' generated deployments had. First onto such pods (not
    // measured: the old pods still drain), then the measured rollout between them.
    const noProbes = [
      '--set',
      'service.probes.readiness.enabled=false',
      '--set',
      'service.probes.startup.enabled=false',
      '--set',
      'service.drainSeconds=0',
    ];
    retag(`${tag}-r2`);
    await upgrade('--set', `image.tag=${tag}-r2`, ...noProbes);
    await rolledOut(300_000);
    retag(`${tag}-r3`);
    const bad = await underLoad(async () => {
      await upgrade('--set', `image.tag=${tag}-r3`, ...noProbes);
      await rolledOut(300_000);
    });
    figures.rolloutWithoutReadiness = bad;
    assert.ok(bad.failed > 0, `without readiness some requests fail (${JSON.stringify(bad)})`);
    // Back to the probes (and the first tag) for what follows.
    await upgrade('--set', `image.tag=${tag}`);
    await rolledOut(300_000);
  });

  it('heals: a pod failing liveness is restarted and serves again; a deleted pod is replaced', async () => {
    const [pod] = podsOf('flowerdelivery-order');
    const name = pod.metadata.name as string;
    const restarts = pod.status.containerStatuses[0].restartCount as number;
    const said = nodeIn(
      name,
      "const r = await fetch('http://127.0.0.1:8080/admin/test/unhealthy', {method: 'POST'}); console.log(r.status)",
    );
    assert.equal(said, '200', 'the test hook answered');
    const t0 = Date.now();
    await until('the kubelet to restart the container', 90_000, () => {
      const p = kjson('get', 'pod', name);
      return p.status.containerStatuses[0].restartCount > restarts && isReady(p);
    });
    figures.livenessRestartSeconds = (Date.now() - t0) / 1000;
    // Ready, then in the Service's endpoints as soon as kube-proxy has synced (about a second).
    await until('it serves again', 30_000, async () => (await placeOrder()).status === 201, 250);
    figures.livenessServingAgainSeconds = (Date.now() - t0) / 1000;

    kubectl('delete', 'pod', name, '--wait=true');
    await until('a replacement pod Ready', 90_000, () => {
      const pods = podsOf('flowerdelivery-order');
      return pods.length === 1 && pods[0].metadata.name !== name && isReady(pods[0]);
    });
    await until('the replacement serves', 30_000, async () => (await placeOrder()).status === 201, 250);
  });

  it('autoscales payment on CPU: out under load with no request lost, the new replicas in its consumer group; back after', async () => {
    const hpa = () => kjson('get', 'hpa', 'flowerdelivery-payment');
    await until(
      'the HPA to read metrics',
      120_000,
      () => hpa().status.currentMetrics?.[0]?.resource?.current,
      2000,
    );
    // The rollouts' load may have scaled it out already: start from one replica.
    await until(
      'payment at one replica before the load',
      240_000,
      () => hpa().status.currentReplicas === 1 && podsOf('flowerdelivery-payment').length === 1,
      3000,
    );
    const burst = load(12, () => placeOrder());
    let max = 1;
    try {
      await until(
        'payment to scale out',
        180_000,
        () => {
          max = Math.max(max, hpa().status.currentReplicas ?? 1);
          const ready = podsOf('flowerdelivery-payment').filter(isReady).length;
          return max >= 2 && ready >= 2;
        },
        2000,
      );
      // The new replicas take requests for a while: each ready one has served some (callers
      // reconnect through the Service every maxRequestsPerConnection requests).
      await until(
        'every ready payment replica to take sync calls',
        120_000,
        () =>
          podsOf('flowerdelivery-payment')
            .filter(isReady)
            .every((p) => postsServedBy(p.metadata.name) > 0),
        3000,
      );
    } finally {
      figures.hpa = { maxReplicas: max, underLoad: await burst.stop() };
    }
    const stats = figures.hpa.underLoad as LoadStats;
    // On a failure, what the pods in the path were doing (restarts, IPs) says where it broke.
    const path = () =>
      ['flowerdelivery-gateway', 'flowerdelivery-order', 'flowerdelivery-payment'].flatMap((name) =>
        podsOf(name).map(
          (p) =>
            `${p.metadata.name} ${p.status.podIP} restarts=${p.status.containerStatuses?.[0]?.restartCount}`,
        ),
      );
    assert.equal(
      stats.failed,
      0,
      `no request lost while scaling out: ${JSON.stringify(stats.failures)}; pods: ${stats.failed ? path().join(', ') : ''}`,
    );
    // Every payment replica is a member of the consumer group "payment" (the embedded log's group file).
    const pods = podsOf('flowerdelivery-payment').filter(isReady);
    const members = nodeIn(
      pods[0].metadata.name,
      "import { DatabaseSync } from 'node:sqlite';" +
        "const db = new DatabaseSync('/data/flowerdelivery/bus/groups/payment.db', { readOnly: true });" +
        'console.log(db.prepare("SELECT COUNT(*) AS n FROM members WHERE grp = \'payment\' AND expires_at > ?").get(Date.now()).n)',
    );
    figures.hpa.groupMembers = Number(members);
    assert.ok(Number(members) >= pods.length, `${members} group members for ${pods.length} ready replicas`);
    // Each replica took sync calls from order (through the Service) while the load ran.
    for (const p of pods) {
      const served = postsServedBy(p.metadata.name);
      figures.hpa.postsServedPerReplica = [...(figures.hpa.postsServedPerReplica ?? []), served];
      assert.ok(served > 0, `${p.metadata.name} served requests (${served})`);
    }
    const t0 = Date.now();
    await until(
      'payment to scale back to 1',
      240_000,
      () => hpa().status.currentReplicas === 1 && podsOf('flowerdelivery-payment').length === 1,
      3000,
    );
    figures.hpa.scaleInSeconds = (Date.now() - t0) / 1000;
  });

  it('a changed ConfigMap value reaches the pods after the rollout it triggers', async () => {
    const before = podsOf('flowerdelivery-order')[0].metadata.name as string;
    assert.equal(nodeIn(before, 'console.log(process.env.LOG_LEVEL)'), 'info');
    await upgrade('--set', `image.tag=${tag}`, '--set', 'logLevel=debug');
    await rolledOut(300_000);
    const cm = kjson('get', 'configmap', 'flowerdelivery-config');
    assert.equal(cm.data.LOG_LEVEL, 'debug');
    assert.equal(cm.data.PAYMENT_URL, 'http://flowerdelivery-payment:8080', 'the sync-call URL');
    const pod = podsOf('flowerdelivery-order')[0].metadata.name as string;
    assert.notEqual(pod, before, 'a new pod');
    assert.equal(
      nodeIn(pod, 'console.log(process.env.LOG_LEVEL, process.env.PAYMENT_URL)'),
      'debug http://flowerdelivery-payment:8080',
    );
    assert.equal((await placeOrder()).status, 201);
  });

  it('keeps the data when every pod of a service is deleted', async () => {
    const placed = await placeOrder();
    assert.equal(placed.status, 201);
    const id = placed.body.id as number;
    const names = podsOf('flowerdelivery-order').map((p) => p.metadata.name as string);
    kubectl('delete', 'pod', '-l', 'app.kubernetes.io/name=flowerdelivery-order', '--wait=true');
    await until('order back', 90_000, () => {
      const pods = podsOf('flowerdelivery-order');
      return pods.length > 0 && pods.every((p) => !names.includes(p.metadata.name) && isReady(p));
    });
    const read = await until('the order readable', 30_000, async () => {
      const res = await send(FD, 'GET', `/orders/${id}`, { token: await fdAuth() });
      return res.status === 200 ? res : undefined;
    });
    assert.equal(read.body.id, id);
    assert.equal(read.body.itemName, seedOrder.itemName);
  });

  it('uninstalls cleanly', async () => {
    await helm('uninstall', RELEASE, '--wait', '--timeout', '3m');
    await until('no pods left', 120_000, () => (kjson('get', 'pods').items as Json[]).length === 0, 2000);
    assert.ok(NAMESPACE);
  });
});

/** Eight clients placing orders from 2 s before `during` until 2 s after it; stopped whatever happens. */
async function underLoad(during: () => Promise<void>): Promise<LoadStats> {
  const clients = load(8, () => placeOrder());
  try {
    await sleep(2000);
    await during();
    await sleep(2000);
  } finally {
    await clients.stop();
  }
  return clients.stop();
}

/** POST requests a pod has answered since it started (its own /metrics, read inside the pod). */
function postsServedBy(pod: string): number {
  const served = nodeIn(
    pod,
    "const t = await (await fetch('http://127.0.0.1:8080/metrics')).text();" +
      'console.log(t.split("\\n").filter((l) => l.startsWith("http_requests_total") && l.includes("POST")).map((l) => Number(l.split(" ").pop())).reduce((a, b) => a + b, 0))',
  );
  return Number(served);
}
