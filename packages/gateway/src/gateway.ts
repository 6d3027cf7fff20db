/**
 * The gateway of one system: the single entry point. `/oauth/**` goes to the auth service and
 * `/health/**` is answered here, both open, as are `/openapi.json` (the system's public API) and
 * its interactive reference at `/reference` (reference.ts); `/metrics` needs an admin's token;
 * everything else needs a bearer JWT for THIS system,
 * passes the route's role rule, and is forwarded to a replica with the verified identity in
 * `x-user-*` headers (the client's own such headers are dropped).
 */
import {
  type App,
  AppError,
  type BuildAppOptions,
  buildApp,
  ForbiddenError,
  formatTraceparent,
  NotFoundError,
  traceContext,
  UnauthorizedError,
  UnavailableError,
} from '@bounded/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_ROLE, USER_ID_HEADER, USER_NAME_HEADER, USER_ROLES_HEADER } from './identity.ts';
import { createVerifier, type JwksSource, type JwtAlg, TokenError, type Verifier } from './jwt.ts';
import { publicApi } from './openapi.ts';
import { REFERENCE_HEADERS, referenceAsset } from './reference.ts';
import { createRouteTable, isAllowed, type RouteConfig } from './routes.ts';
import { createUpstreamLimit } from './upstream-limit.ts';
import { createBalancer } from './upstreams.ts';

export interface GatewayOptions {
  /** The system's name: the only token audience accepted. */
  system: string;
  routes: RouteConfig[];
  /** Base URLs of the service's READY replicas; asked on every request, may change at runtime. */
  targets: (service: string) => string[];
  /** The auth service's JWKS URL, or a fixed key set. */
  jwks: JwksSource;
  /** Base URL of the auth service: `/oauth/**` and `/.well-known/jwks.json` are forwarded there. */
  authUrl: string;
  /** When set, tokens must carry this `iss`. */
  issuer?: string;
  algorithms?: JwtAlg[];
  /** Upstream headers/body timeout → 504. Default 15000. */
  upstreamTimeoutMs?: number;
  /** How long a replica that refused a connection is skipped. Default 5000. */
  ejectMs?: number;
  /** Connections per replica. Default 128. */
  connectionsPerTarget?: number;
  /** Requests in progress to a service, per ready replica, past which 503 (default: connectionsPerTarget). */
  maxInFlightPerReplica?: number;
  /** Cut that bound while a service answers 503s, widen it as it serves (default true; upstream-limit.ts). */
  adaptiveUpstreamLimit?: boolean;
  /** The gateway's public path prefix, sent as x-forwarded-prefix (default none). */
  publicPrefix?: string;
  /** Retry-After on 503s. Default 1. */
  retryAfterSeconds?: number;
  bodyLimit?: number;
  logger?: BuildAppOptions['logger'];
  /** A verifier to share or replace (tests). */
  verifier?: Verifier;
}

export interface Gateway {
  app: App;
  verifier: Verifier;
}

/** The header telling the auth service which system a forwarded token request is for. */
export const GATEWAY_SYSTEM_HEADER = 'x-gateway-system';

// Hop-by-hop headers (RFC 9110 7.6.1) never cross a proxy.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers only the gateway may set: whatever the client sent under these names is dropped. */
function isGatewayOwned(name: string): boolean {
  return (
    name.startsWith('x-user-') ||
    name.startsWith('x-forwarded-') ||
    name === 'forwarded' ||
    name === GATEWAY_SYSTEM_HEADER
  );
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const SMALL_BODY = 64 * 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

interface Identity {
  sub: string;
  name: string;
  roles: string[];
}

export function createGateway(opts: GatewayOptions): Gateway {
  const { system } = opts;
  const realm = `Bearer realm="${system}"`;
  const timeoutMs = opts.upstreamTimeoutMs ?? 15_000;
  const retryAfter = opts.retryAfterSeconds ?? 1;
  const routes = createRouteTable(opts.routes);
  // At most as many requests to a service as its pools have connections: none waits in a pool's
  // queue; fewer while the service sheds, so the gateway refuses the excess itself.
  const upstreamLimit = createUpstreamLimit({
    perReplica: opts.maxInFlightPerReplica ?? opts.connectionsPerTarget ?? 128,
    retryAfterSeconds: retryAfter,
    adaptive: opts.adaptiveUpstreamLimit === false ? false : {},
  });
  const balancer = createBalancer({
    timeoutMs,
    ejectMs: opts.ejectMs,
    connections: opts.connectionsPerTarget,
  });
  const verifier =
    opts.verifier ??
    createVerifier({ jwks: opts.jwks, audience: system, issuer: opts.issuer, algorithms: opts.algorithms });
  const authTargets = [opts.authUrl];
  const prefix = opts.publicPrefix?.replace(/\/+$/, '');

  // Its /openapi.json is the system's public API (openapi.ts), not a document of its own routes.
  const app = buildApp({ name: 'gateway', logger: opts.logger, bodyLimit: opts.bodyLimit, openApi: false });
  app.addHook('onClose', () => balancer.close());
  // The public API's document, open like the token endpoint (it says what needs a token).
  const api = publicApi({ system: opts.system, routes: opts.routes, targets: (s) => opts.targets(s) });
  // The gateway's port is public: its own metrics are for an operator's token (role admin) only.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url !== '/metrics' && !request.url.startsWith('/metrics?')) return;
    const identity = await authenticate(request, reply);
    if (!identity.roles.includes(ADMIN_ROLE)) {
      throw new ForbiddenError('AUTH.FORBIDDEN', 'Metrics need the admin role');
    }
  });

  function unauthorized(reply: FastifyReply, code: string, message: string, withError: boolean): never {
    reply.header(
      'www-authenticate',
      withError ? `${realm}, error="invalid_token", error_description="${message}"` : realm,
    );
    throw new UnauthorizedError(code, message);
  }

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Identity> {
    const authorization = request.headers.authorization;
    const token = authorization === undefined ? undefined : /^Bearer +([^\s]+) *$/i.exec(authorization)?.[1];
    if (!token) return unauthorized(reply, 'AUTH.UNAUTHENTICATED', 'A bearer token is required', false);
    try {
      const t = await verifier.verify(token);
      return { sub: t.sub, name: t.name, roles: t.roles };
    } catch (err) {
      if (err instanceof TokenError && err.status === 503) {
        throw new UnavailableError(err.code, err.message, retryAfter);
      }
      const e =
        err instanceof TokenError ? err : new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
      return unauthorized(reply, e.code, e.message, true);
    }
  }

  function upstreamHeaders(request: FastifyRequest, identity: Identity | undefined, toAuth: boolean) {
    const incoming = request.headers;
    const connectionListed = new Set(
      String(incoming.connection ?? '')
        .toLowerCase()
        .split(',')
        .map((s) => s.trim()),
    );
    const out: Record<string, string | string[]> = {};
    for (const name in incoming) {
      const value = incoming[name];
      if (value === undefined || name === 'host' || name === 'content-length') continue;
      if (HOP_BY_HOP.has(name) || connectionListed.has(name) || isGatewayOwned(name)) continue;
      out[name] = value;
    }
    if (incoming.host) out['x-forwarded-host'] = incoming.host;
    out['x-forwarded-proto'] = request.protocol;
    out['x-forwarded-for'] = request.ip;
    if (prefix) out['x-forwarded-prefix'] = prefix;
    out.traceparent = formatTraceparent(traceContext(request));
    if (identity) {
      out[USER_ID_HEADER] = identity.sub;
      out[USER_ROLES_HEADER] = identity.roles.join(',');
      out[USER_NAME_HEADER] = identity.name;
    }
    if (toAuth) out[GATEWAY_SYSTEM_HEADER] = system;
    return out;
  }

  async function forward(
    request: FastifyRequest,
    reply: FastifyReply,
    targets: string[],
    headers: Record<string, string | string[]>,
  ) {
    const method = request.method as 'GET';
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    let lastError: unknown;
    for (const target of targets) {
      const { pool, basePath } = balancer.pool(target);
      try {
        const res = await pool.request({ method, path: basePath + request.url, headers, body });
        reply.code(res.statusCode);
        for (const name in res.headers) {
          if (!HOP_BY_HOP.has(name) && name !== 'traceparent') {
            reply.header(name, res.headers[name] as string | string[]);
          }
        }
        // Small bodies are read whole (cheaper than piping a stream through Fastify); others stream.
        const length = Number(res.headers['content-length']);
        if (length <= SMALL_BODY) return reply.send(Buffer.from(await res.body.arrayBuffer()));
        return reply.send(res.body);
      } catch (err) {
        lastError = err;
        const code = (err as { code?: string }).code ?? '';
        if (CONNECT_FAILURES.has(code)) {
          balancer.eject(target); // nothing was sent: safe to try the next replica, whatever the method
          continue;
        }
        if (TIMEOUTS.has(code)) {
          throw new AppError(504, 'GATEWAY.TIMEOUT', 'The service did not answer in time');
        }
        // A connection that broke mid-request may have done its work: retry only idempotent methods.
        if (IDEMPOTENT.has(method)) continue;
        throw new AppError(502, 'GATEWAY.BAD_GATEWAY', 'The service closed the connection');
      }
    }
    request.log.warn({ err: lastError, targets: targets.length }, 'no replica answered');
    throw new UnavailableError(
      'GATEWAY.UNAVAILABLE',
      'The service is unavailable; retry shortly',
      retryAfter,
    );
  }

  app.register(async (scope) => {
    // Bodies are passed on as they came: buffered (bounded by bodyLimit) so a refused connection
    // can be retried on another replica, never parsed.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    scope.all('/*', async (request, reply) => {
      const q = request.url.indexOf('?');
      const path = q < 0 ? request.url : request.url.slice(0, q);
      if (path === '/oauth' || path.startsWith('/oauth/') || path === '/.well-known/jwks.json') {
        return forward(request, reply, authTargets, upstreamHeaders(request, undefined, true));
      }
      if (path.startsWith('/health/')) throw new NotFoundError('ROUTE.NOT_FOUND', `No route for ${path}`);
      if (path === '/openapi.json' && request.method === 'GET') return reply.send(await api());
      const asset = request.method === 'GET' ? referenceAsset(path, opts.system) : undefined;
      if (asset) return reply.headers(REFERENCE_HEADERS).type(asset.type).send(asset.body);
      const identity = await authenticate(request, reply);
      // Dot segments could mean one path here and another upstream: refuse them outright.
      if (/\/(?:\.|%2e){1,2}(?:\/|$)/i.test(path)) {
        throw new AppError(400, 'REQUEST.INVALID_PATH', 'Dot segments are not allowed in paths');
      }
      const route = routes.match(path);
      if (!route) throw new NotFoundError('ROUTE.NOT_FOUND', `No route for ${request.method} ${path}`);
      if (!isAllowed(route, request.method, identity.roles)) {
        throw new ForbiddenError(
          'AUTH.FORBIDDEN',
          `Your roles do not allow ${request.method} ${route.prefix}`,
        );
      }
      const targets = opts.targets(route.service);
      if (targets.length === 0) {
        throw new UnavailableError('GATEWAY.NO_REPLICA', `No ${route.service} replica is ready`, retryAfter);
      }
      return upstreamLimit.run(route.service, targets.length, request, reply, () =>
        forward(
          request,
          reply,
          balancer.candidates(route.service, targets),
          upstreamHeaders(request, identity, false),
        ),
      );
    });
  });

  return { app, verifier };
}
