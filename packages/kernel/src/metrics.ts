/**
 * Prometheus metrics on a registry per app (not prom-client's global one), so several services
 * built in one test process do not collide on metric names.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** Register gauges here (outbox backlog, breaker state, consumer lag). */
    metrics: Registry;
  }
}

const LABELS = ['method', 'route', 'status'] as const;

export function installMetrics(app: FastifyInstance, registry = new Registry()): Registry {
  // A registry handed in may already carry these (two apps sharing one): reuse, don't re-register.
  if (!registry.getSingleMetric('process_cpu_seconds_total')) collectDefaultMetrics({ register: registry });
  const requests =
    (registry.getSingleMetric('http_requests_total') as Counter<(typeof LABELS)[number]> | undefined) ??
    new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests handled, by route template',
      labelNames: LABELS,
      registers: [registry],
    });
  const duration =
    (registry.getSingleMetric('http_request_duration_seconds') as
      | Histogram<(typeof LABELS)[number]>
      | undefined) ??
    new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route template',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

  app.decorate('metrics', registry);
  app.addHook('onResponse', async (request, reply) => {
    // The route template, not the raw URL: /orders/:id is one series, not one per order id.
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { logLevel: 'silent' }, async (_req, reply) => {
    const body = await registry.metrics();
    return reply.type(registry.contentType).send(body);
  });
  return registry;
}
