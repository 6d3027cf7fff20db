// Helpers for the Kubernetes tier: kubectl and helm on the private cluster (deploy/k8s/cluster.sh),
// requests through a gateway's NodePort on 127.0.0.1, a load generator, waiting.
// The process runs inside the cluster's network namespace (deploy/test.sh starts it there), so
// 127.0.0.1 is that namespace's loopback, where kube-proxy serves the NodePorts.
import { execFile, execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const NAMESPACE = process.env.K8S_NAMESPACE ?? 'bounded';
export const RELEASE = 'bounded';

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects and HAL bodies, read field by field
export type Json = Record<string, any>;

export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', ['-n', NAMESPACE, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}
export async function kubectlAsync(...args: string[]): Promise<string> {
  return (await run('kubectl', ['-n', NAMESPACE, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;
}
export function kjson(...args: string[]): Json {
  return JSON.parse(kubectl(...args, '-o', 'json')) as Json;
}
export async function helm(...args: string[]): Promise<string> {
  try {
    return (await run('helm', ['-n', NAMESPACE, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/** Polls until `check` returns a truthy value (returned), or fails naming `what`. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => T | Promise<T>,
  every = 1000,
): Promise<Truthy<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleep(every);
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Json;
  text: string;
}

/** One request on a new connection (`Connection: close`, as siege does by default). */
export function send(
  port: number,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    form?: Record<string, string>;
    basic?: string;
    timeoutMs?: number;
  } = {},
): Promise<Reply> {
  const payload =
    options.form !== undefined
      ? new URLSearchParams(options.form).toString()
      : options.body !== undefined
        ? JSON.stringify(options.body)
        : undefined;
  const headers: Record<string, string> = { connection: 'close' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.basic) headers.authorization = `Basic ${Buffer.from(options.basic).toString('base64')}`;
  if (payload !== undefined) {
    headers['content-type'] =
      options.form !== undefined ? 'application/x-www-form-urlencoded' : 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers, agent: false, timeout: options.timeoutMs ?? 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Json = {};
          try {
            body = text ? (JSON.parse(text) as Json) : {};
          } catch {
            body = {};
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * A token from the auth service, asked for through the system's gateway. A 503 is retried after
 * its Retry-After for up to `ms`, as a client would: just after an install every pod is Ready, but
 * kube-proxy may not have routed the auth Service yet (a CI run's first token got 503
 * GATEWAY.UNAVAILABLE 26 ms after `helm install --wait`).
 */
export async function token(port: number, system: string, username: string, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await send(port, 'POST', '/oauth/token', {
      basic: 'bounded-web:dev-secret',
      form: { grant_type: 'password', username, password: username, audience: system },
    });
    if (res.status === 200) return res.body.access_token as string;
    const retryAfterMs = Number(res.headers['retry-after'] ?? 1) * 1000;
    if (res.status !== 503 || Date.now() + retryAfterMs > deadline) {
      throw new Error(`token for ${username}@${system}: ${res.status} ${res.text}`);
    }
    await sleep(retryAfterMs);
  }
}

export interface LoadStats {
  ok: number;
  failed: number;
  /** Failures by status (0 = the connection failed) with one example each and when they were seen. */
  failures: Record<string, { count: number; example: string; first: string; last: string }>;
  seconds: number;
  perSecond: number;
}

const running = new Set<{ stop(): Promise<LoadStats> }>();

/**
 * `workers` loops each sending `next()` back to back until stopped (once; again gives the same
 * figures); counts 2xx and the rest.
 * A load a failed test never stopped would run on forever (a CI run's HPA test timed out and its
 * twelve loops held the test process for an hour): stopAllLoads() ends whatever is left.
 */
export function load(workers: number, next: () => Promise<Reply>): { stop(): Promise<LoadStats> } {
  let going = true;
  const stats: LoadStats = { ok: 0, failed: 0, failures: {}, seconds: 0, perSecond: 0 };
  const started = Date.now();
  const fail = (key: string, example: string) => {
    stats.failed++;
    const at = new Date().toISOString();
    stats.failures[key] ??= { count: 0, example: example.slice(0, 300), first: at, last: at };
    stats.failures[key].count++;
    stats.failures[key].last = at;
  };
  const loops = Array.from({ length: workers }, async () => {
    while (going) {
      try {
        const res = await next();
        if (res.status >= 200 && res.status < 300) stats.ok++;
        else fail(String(res.status), res.text);
      } catch (error) {
        fail('0', String(error));
        await sleep(50);
      }
    }
  });
  let stopped: Promise<LoadStats> | undefined;
  const handle = {
    stop() {
      going = false;
      running.delete(handle);
      stopped ??= Promise.all(loops).then(() => {
        stats.seconds = (Date.now() - started) / 1000;
        stats.perSecond = Math.round((stats.ok / stats.seconds) * 10) / 10;
        return stats;
      });
      return stopped;
    },
  };
  running.add(handle);
  return handle;
}

/** Stops every load still running (a test's `after`, whatever failed). */
export async function stopAllLoads(): Promise<void> {
  await Promise.all([...running].map((l) => l.stop()));
}

/** The pods of one deployment (by the chart's name label), newest last. */
export function podsOf(name: string): Json[] {
  const list = kjson('get', 'pods', '-l', `app.kubernetes.io/name=${name}`);
  return (list.items as Json[])
    .filter((p) => !p.metadata.deletionTimestamp)
    .sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
}

export const isReady = (pod: Json): boolean =>
  (pod.status.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True');

/** Runs JavaScript with the image's node inside a pod's container; returns what it printed. */
export function nodeIn(pod: string, script: string): string {
  return kubectl('exec', pod, '--', 'node', '--input-type=module', '-e', script).trim();
}

/** Waits for every deployment of the release to finish its rollout. */
export async function rolledOut(ms: number): Promise<void> {
  const names = kubectl('get', 'deployments', '-o', 'name').trim().split('\n').filter(Boolean);
  await Promise.all(
    names.map((n) => kubectlAsync('rollout', 'status', n, `--timeout=${Math.round(ms / 1000)}s`)),
  );
}
