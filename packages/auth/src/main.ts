// Process entry of the auth service. Env: see packages/auth/README.md.

import { extendConfig, loadConfig, runService } from '@bounded/kernel';
import { Type } from '@sinclair/typebox';
import { createAuthService } from './app.ts';
import { buildDirectory, configDocumentsFromEnv } from './config.ts';

const schema = extendConfig(
  Type.Object({
    AUTH_ISSUER: Type.String({ default: 'bounded-auth' }),
    AUTH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
    AUTH_KEY_ALG: Type.Union([Type.Literal('ES256'), Type.Literal('RS256')], { default: 'ES256' }),
    AUTH_ROTATE_EVERY_SECONDS: Type.Integer({ minimum: 0, default: 0 }),
  }),
);
const env = { SERVICE_NAME: 'auth', PORT: '8090', ...process.env };
const config = loadConfig(schema, env);
const docs = configDocumentsFromEnv(env);
if (docs.length === 0) {
  console.error('auth: no clients or users: set AUTH_CONFIG or AUTH_CONFIG_FILE, or AUTH_DEV_USERS=1');
  process.exit(1);
}
const auth = await createAuthService({
  directory: await buildDirectory(...docs),
  issuer: config.AUTH_ISSUER,
  tokenTtlSeconds: config.AUTH_TOKEN_TTL_SECONDS,
  alg: config.AUTH_KEY_ALG,
  logger: { level: config.LOG_LEVEL },
});
const resources = [];
if (config.AUTH_ROTATE_EVERY_SECONDS > 0) {
  const timer = setInterval(() => {
    auth.rotate().then(
      (kid) => auth.app.log.info({ kid }, 'signing key rotated'),
      (err) => auth.app.log.error({ err }, 'key rotation failed'),
    );
  }, config.AUTH_ROTATE_EVERY_SECONDS * 1000);
  resources.push({ name: 'key rotation', close: () => clearInterval(timer) });
}
await runService({ app: auth.app, host: config.HOST, port: config.PORT, resources });
