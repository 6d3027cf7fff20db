// Process entry of a system's gateway. Env: see packages/gateway/README.md.
import { extendConfig, loadConfig, runService } from '@bounded/kernel';
import { Type } from '@sinclair/typebox';
import { createGateway } from './gateway.ts';
import type { RouteConfig } from './routes.ts';
import { createFileTargets, parseTargets } from './targets.ts';

const schema = extendConfig(
  Type.Object({
    GATEWAY_SYSTEM: Type.String({ minLength: 1 }),
    GATEWAY_ROUTES: Type.String({ minLength: 2 }),
    GATEWAY_TARGETS: Type.Optional(Type.String()),
    GATEWAY_TARGETS_FILE: Type.Optional(Type.String()),
    AUTH_URL: Type.String({ default: 'http://127.0.0.1:8090' }),
    AUTH_JWKS_URL: Type.Optional(Type.String()),
    AUTH_ISSUER: Type.Optional(Type.String()),
    GATEWAY_UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 15_000 }),
    GATEWAY_PUBLIC_PREFIX: Type.Optional(Type.String()),
    // 1: the bound on each service's requests in progress adapts to its 503s (upstream-limit.ts).
    GATEWAY_ADAPTIVE_LIMIT: Type.Union([Type.Literal('0'), Type.Literal('1')], { default: '1' }),
  }),
);
const config = loadConfig(schema, { SERVICE_NAME: 'gateway', PORT: '8088', ...process.env });

const routes = JSON.parse(config.GATEWAY_ROUTES) as RouteConfig[];
let targets: (service: string) => string[];
if (config.GATEWAY_TARGETS_FILE) targets = createFileTargets(config.GATEWAY_TARGETS_FILE);
else {
  const map = parseTargets(config.GATEWAY_TARGETS ?? '{}', 'GATEWAY_TARGETS');
  targets = (service) => map[service] ?? [];
}
const { app, verifier } = createGateway({
  system: config.GATEWAY_SYSTEM,
  routes,
  targets,
  jwks: new URL(config.AUTH_JWKS_URL ?? `${config.AUTH_URL.replace(/\/+$/, '')}/.well-known/jwks.json`),
  authUrl: config.AUTH_URL,
  issuer: config.AUTH_ISSUER,
  upstreamTimeoutMs: config.GATEWAY_UPSTREAM_TIMEOUT_MS,
  publicPrefix: config.GATEWAY_PUBLIC_PREFIX,
  adaptiveUpstreamLimit: config.GATEWAY_ADAPTIVE_LIMIT === '1',
  logger: { level: config.LOG_LEVEL },
});
// Warm the key cache; an auth service that is not up yet is fetched again on the first token.
await verifier.refresh().catch((err) => app.log.warn({ err }, 'JWKS not reachable yet'));
await runService({ app, host: config.HOST, port: config.PORT });
