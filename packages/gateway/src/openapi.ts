/**
 * The system's public API as one OpenAPI document: each service's own `/openapi.json`, cut to
 * the paths the gateway routes to it, every operation marked with the bearer scheme and the
 * roles the gateway lets through (admin always passes), plus the token endpoint. Made on request
 * from the services that are ready, and kept for a few seconds.
 */
import { type RouteConfig, rolesFor } from './routes.ts';

// biome-ignore lint/suspicious/noExplicitAny: OpenAPI documents, read and written by key
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const KEEP_MS = 5_000;

export interface PublicApiOptions {
  readonly system: string;
  readonly routes: readonly RouteConfig[];
  /** Base URLs of a service's ready replicas. */
  targets(service: string): string[];
  /** How a service's own document is fetched (default: GET `<target>/openapi.json`). */
  fetchDocument?(target: string): Promise<Json>;
}

export function publicApi(options: PublicApiOptions): () => Promise<Json> {
  const fetchDocument =
    options.fetchDocument ??
    (async (target: string) => {
      const res = await fetch(`${target}/openapi.json`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`${target}/openapi.json answered ${res.status}`);
      return res.json();
    });
  let kept: { at: number; document: Promise<Json> } | undefined;
  return () => {
    if (!kept || Date.now() - kept.at > KEEP_MS) {
      kept = { at: Date.now(), document: merge(options, fetchDocument) };
      kept.document.catch(() => {
        kept = undefined;
      });
    }
    return kept.document;
  };
}

async function merge(options: PublicApiOptions, fetchDocument: (target: string) => Promise<Json>) {
  const services = [...new Set(options.routes.map((r) => r.service))];
  const documents = new Map<string, Json>();
  const missing: string[] = [];
  await Promise.all(
    services.map(async (service) => {
      const target = options.targets(service)[0];
      if (!target) return missing.push(service);
      try {
        documents.set(service, await fetchDocument(target));
      } catch {
        missing.push(service);
      }
    }),
  );
  const paths: Record<string, Json> = { '/oauth/token': TOKEN_ENDPOINT };
  const schemas: Record<string, Json> = {};
  for (const route of options.routes) {
    const document = documents.get(route.service);
    if (!document) continue;
    Object.assign(schemas, document.components?.schemas ?? {});
    for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
      if (!underPrefix(path, route.prefix)) continue;
      paths[path] = guarded(item, route);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: `${options.system} (through its gateway)`,
      version: '1',
      ...(missing.length > 0 ? { description: `Not ready, left out: ${missing.sort().join(', ')}` } : {}),
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'from POST /oauth/token',
        },
      },
    },
  };
}

function underPrefix(path: string, prefix: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  return p === '' || path === p || path.startsWith(`${p}/`);
}

/** Each operation: bearer required, and the roles that may call it (`x-roles`; absent: any caller). */
function guarded(item: Json, route: RouteConfig): Json {
  const out: Json = { ...item };
  for (const method of METHODS) {
    if (!item[method]) continue;
    const roles = rolesFor(route, method.toUpperCase());
    const who = roles ? `Roles: ${[...roles, 'admin'].join(', ')}.` : 'Any signed-in caller.';
    out[method] = {
      ...item[method],
      security: [{ bearer: [] }],
      ...(roles ? { 'x-roles': roles } : {}),
      description: [item[method].description, who].filter(Boolean).join(' '),
      responses: {
        ...item[method].responses,
        '401': { description: 'No valid token for this system' },
        ...(roles ? { '403': { description: 'The caller’s roles do not allow this' } } : {}),
      },
    };
  }
  return out;
}

const TOKEN_ENDPOINT = {
  post: {
    summary: 'A token for a user (password grant) or a client (client_credentials), for this system',
    security: [],
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            required: ['grant_type'],
            properties: {
              grant_type: { enum: ['password', 'client_credentials'] },
              username: { type: 'string' },
              password: { type: 'string' },
              audience: { type: 'string' },
              scope: { type: 'string' },
            },
          },
        },
      },
    },
    responses: {
      '200': { description: '{access_token, token_type, expires_in, jti}' },
      '400': { description: 'A bad or unsupported grant' },
      '401': { description: 'Bad client or user credentials' },
      '429': { description: 'Too many failed logins: retry after `Retry-After` seconds' },
    },
  },
};
