import { type App, buildApp } from '@bounded/kernel';
import { Type } from '@sinclair/typebox';
import type { CallTarget } from './call-targets.ts';
import type { Supervisor } from './supervisor.ts';

export interface Gateway {
  system: string;
  url: string;
}

/**
 * The runner's control endpoint (default 127.0.0.1:8000), spoken by `npx bounded` and polled by
 * the gateways for their targets.
 */
export function controlApp(
  supervisor: Supervisor,
  gateways: () => Gateway[],
  calls: () => CallTarget[] = () => [],
): App {
  const app = buildApp({ name: 'runner', logger: false });
  const id = (params: { system: string; service: string }) => `${params.system}/${params.service}`;
  const Params = Type.Object({ system: Type.String(), service: Type.String() });

  app.get('/status', async () => ({ gateways: gateways(), instances: supervisor.status(), calls: calls() }));
  app.get('/targets/:system/:service', { schema: { params: Params } }, async (request) =>
    supervisor.targets(id(request.params)),
  );
  app.get('/processes/:system/:service/logs', { schema: { params: Params } }, async (request) => ({
    lines: supervisor.logs(id(request.params)),
  }));
  for (const verb of ['start', 'stop', 'restart'] as const) {
    app.post(`/processes/:system/:service/${verb}`, { schema: { params: Params } }, async (request) => {
      await supervisor[verb](id(request.params));
      return { done: verb, instances: supervisor.status().filter((i) => i.id === id(request.params)) };
    });
  }
  app.post(
    '/processes/:system/:service/scale',
    {
      schema: { params: Params, body: Type.Object({ replicas: Type.Integer({ minimum: 0, maximum: 20 }) }) },
    },
    async (request) => {
      await supervisor.scale(id(request.params), request.body.replicas);
      return { done: 'scale', instances: supervisor.status().filter((i) => i.id === id(request.params)) };
    },
  );
  return app;
}
