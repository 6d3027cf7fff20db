/**
 * Replica choice and connection pools. `targets(service)` (the runner's view of READY replicas) is
 * asked on every request and is the source of truth; on top of it, a replica that refused a
 * connection is skipped for `ejectMs` (passive health) unless no other replica is left.
 */
import { Pool } from 'undici';

export interface Balancer {
  /** Replicas to try, in order: round-robin among the healthy ones, then the ejected ones. */
  candidates(service: string, targets: string[]): string[];
  /** Marks a replica as refusing connections. */
  eject(target: string): void;
  pool(target: string): { pool: Pool; basePath: string };
  close(): Promise<void>;
}

export interface BalancerOptions {
  ejectMs?: number;
  /** Connections per replica. Default 128. */
  connections?: number;
  timeoutMs: number;
}

export function createBalancer(opts: BalancerOptions): Balancer {
  const ejectMs = opts.ejectMs ?? 5000;
  const counters = new Map<string, number>();
  const ejected = new Map<string, number>();
  const pools = new Map<string, Pool>();
  const parsed = new Map<string, { origin: string; basePath: string }>();

  return {
    candidates(service, targets) {
      if (targets.length === 0) return [];
      const n = (counters.get(service) ?? 0) + 1;
      counters.set(service, n % 1_000_000_000);
      const now = Date.now();
      const healthy: string[] = [];
      const down: string[] = [];
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(n + i) % targets.length];
        const until = ejected.get(t);
        if (until === undefined) healthy.push(t);
        else if (until <= now) {
          ejected.delete(t);
          healthy.push(t);
        } else down.push(t);
      }
      return healthy.concat(down);
    },
    eject(target) {
      ejected.set(target, Date.now() + ejectMs);
    },
    pool(target) {
      let p = parsed.get(target);
      if (!p) {
        const url = new URL(target);
        p = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
        parsed.set(target, p);
      }
      let pool = pools.get(p.origin);
      if (!pool) {
        pool = new Pool(p.origin, {
          connections: opts.connections ?? 128,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
          connectTimeout: Math.min(opts.timeoutMs, 2000),
        });
        pools.set(p.origin, pool);
      }
      return { pool, basePath: p.basePath };
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
      pools.clear();
    },
  };
}
