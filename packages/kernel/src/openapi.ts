/**
 * Every service's OpenAPI 3.1 document, made by @fastify/swagger from the routes' own TypeBox
 * schemas and served at `/openapi.json`. Besides what a route declares, each operation lists the
 * refusals every route of this runtime can answer, in the one error shape: 400 for bad input
 * (when it takes any), 403 for a caller who may not, 404 for an unknown id (in the path, or named
 * by a command's body), 409 for an illegal state change, 503 + Retry-After
 * for a dependency that is down; and a route that declares no success answers the one its method
 * answers in this runtime (201 Created, 204 No Content, else 200), checked by the fuzz tier. Health,
 * metrics, the operator endpoints (/admin/**: the console's and `npx bounded`'s, never routed by a
 * gateway) and the document itself are left out.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

export const ErrorSchema = Type.Object(
  {
    status: Type.Integer(),
    error: Type.String(),
    message: Type.String(),
    path: Type.String(),
    timestamp: Type.String(),
    code: Type.String({ description: 'stable, e.g. ORDER.ALREADY_CANCELLED' }),
    fields: Type.Optional(
      Type.Array(Type.Object({ field: Type.String(), message: Type.String() }), {
        description: 'on 400: every bad field',
      }),
    ),
  },
  { $id: 'Error' },
);

const REFUSALS: Record<string, string> = {
  '400': 'Bad input: the fields named in `fields`',
  '403': 'Not allowed for this caller (another customer’s name, a role that may not)',
  '404': 'No such resource, or none the command names (or not the caller’s)',
  '409': 'Not allowed in the resource’s current state',
  '503':
    'A dependency is down or its breaker open, or too many requests in progress: retry after `Retry-After` seconds',
};

type RouteSchema = Record<string, unknown> & { response?: Record<string, unknown> };

/** Adds the runtime's refusals to a route's declared responses (what it declares wins). */
export function withRefusals(method: string, url: string, schema: RouteSchema): RouteSchema {
  const takesInput = Boolean(schema.body || schema.querystring || schema.params);
  const changes = method !== 'GET' && method !== 'HEAD';
  const refusals = Object.entries(REFUSALS).filter(([status]) => {
    if (status === '400') return takesInput;
    if (status === '404') return url.includes(':') || changes;
    if (status === '503') return true; // any request may be shed (load-shedding.ts)
    return changes;
  });
  const error = (description: string) => ({ description, ...Type.Ref(ErrorSchema) });
  const declared = schema.response ?? {};
  const success = Object.keys(declared).some((status) => status.startsWith('2'))
    ? {}
    : successOf(method, url);
  return {
    ...schema,
    response: {
      ...Object.fromEntries(refusals.map(([status, description]) => [status, error(description)])),
      ...success,
      ...declared,
    },
  };
}

/**
 * What a route of this runtime answers on success when it declares nothing else: a command on a
 * collection creates (201 + the new resource), a command on one resource answers it (200), a
 * DELETE answers nothing (204).
 */
function successOf(method: string, url: string): Record<string, unknown> {
  const resource = { content: { 'application/hal+json': { schema: { type: 'object' } } } };
  if (method === 'DELETE') return { '204': { description: 'Done; no body', type: 'null' } };
  if (method === 'POST' && !url.includes(':'))
    return { '201': { description: 'Created: the new resource, its URL in Location', ...resource } };
  return { '200': { description: 'The resource as it is now', ...resource } };
}

const HIDDEN = /^\/(health|metrics|admin|openapi\.json)(\/|$)/;

interface DocumentedRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: RouteSchema;
}

/**
 * Serves `/openapi.json`. The routes are noted as they are added (cheap); the document is made
 * on the first request, by @fastify/swagger loaded only then, over a scratch app holding the
 * same routes — so an idle service carries no generator (its RSS is what a service is measured by).
 */
export function installOpenApi(app: FastifyInstance, title: string): void {
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (HIDDEN.test(route.url)) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD')
        routes.push({ method, url: route.url, schema: (route.schema ?? {}) as RouteSchema });
    }
  });
  let document: Promise<unknown> | undefined;
  app.get('/openapi.json', async () => {
    document ??= documentOf(title, routes);
    return document;
  });
}

async function documentOf(title: string, routes: readonly DocumentedRoute[]): Promise<unknown> {
  const [{ default: Fastify }, { default: swagger }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
  ]);
  const scratch = Fastify();
  // The scratch app only describes: nothing is validated or serialized there.
  scratch.setValidatorCompiler(() => () => true);
  scratch.setSerializerCompiler(() => (data) => JSON.stringify(data));
  scratch.addSchema(ErrorSchema);
  await scratch.register(swagger, {
    openapi: { openapi: '3.1.0', info: { title, version: '1' } },
    // Shared schemas keep their own names in components ("Error", not "def-0").
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  for (const route of routes) {
    scratch.route({
      method: route.method as 'GET',
      url: route.url,
      schema: withRefusals(route.method, route.url, route.schema) as never,
      handler: async () => null,
    });
  }
  await scratch.ready();
  const made = scratch.swagger();
  await scratch.close();
  return made;
}
