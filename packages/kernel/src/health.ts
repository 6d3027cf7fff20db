/**
 * Liveness says "restart me", readiness says "send me traffic". They are separate so that a
 * service whose database is down is taken out of rotation, not killed in a restart loop.
 */
import type { FastifyInstance } from 'fastify';

export type ReadyCheck = () => boolean | Promise<boolean>;

export interface HealthControl {
  /** Tests (and a watchdog) can declare the process wedged. */
  setLive(live: boolean): void;
  /** false forces DOWN whatever the check says; runService uses it to drain before closing. */
  setReady(ready: boolean): void;
  isLive(): boolean;
  isReady(): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthControl;
  }
}

export function createHealth(check: ReadyCheck = () => true): HealthControl {
  let live = true;
  let readyOverride = true;
  return {
    setLive: (v) => {
      live = v;
    },
    setReady: (v) => {
      readyOverride = v;
    },
    isLive: () => live,
    isReady: async () => {
      if (!readyOverride) return false;
      try {
        return (await check()) === true;
      } catch {
        // A check that throws is a dependency that is not there: not ready, not a 500.
        return false;
      }
    },
  };
}

export function installHealth(app: FastifyInstance, health: HealthControl): void {
  app.decorate('health', health);
  // Probes hit these every few seconds: keep them out of the logs.
  const quiet = { logLevel: 'silent' as const };
  app.get('/health/live', quiet, async (_req, reply) => {
    const up = health.isLive();
    return reply.code(up ? 200 : 503).send({ status: up ? 'UP' : 'DOWN' });
  });
  app.get('/health/ready', quiet, async (_req, reply) => {
    const up = await health.isReady();
    return reply.code(up ? 200 : 503).send({ status: up ? 'UP' : 'DOWN' });
  });
}
