/**
 * The OAuth2 token service: `POST /oauth/token` (client_credentials and password grants, client
 * authenticated by HTTP Basic), `GET /.well-known/jwks.json`, and `POST /admin/keys/rotate`.
 * A token is for ONE system: its `aud` is the system asked for, and each gateway accepts only its own.
 */
import { randomUUID } from 'node:crypto';
import { type App, type BuildAppOptions, buildApp, ForbiddenError, UnauthorizedError } from '@bounded/kernel';
import { createLocalJWKSet, jwtVerify, SignJWT } from 'jose';
import type { AuthDirectory, Client, GrantType, User } from './config.ts';
import { createKeyRing, type KeyRing, type SigningAlg } from './keys.ts';
import { type LoginLimitOptions, loginLimits } from './login-limits.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export interface AuthServiceOptions {
  directory: AuthDirectory;
  /** `iss` of every token. Default 'bounded-auth'. */
  issuer?: string;
  /** Token lifetime. Default 900 (15 min). */
  tokenTtlSeconds?: number;
  /** Algorithm of generated keys (when the directory has none). Default ES256. */
  alg?: SigningAlg;
  /** Extra time an old key stays published after rotation, for clock skew. Default 60 s. */
  clockSkewSeconds?: number;
  keys?: KeyRing;
  logger?: BuildAppOptions['logger'];
  now?: () => number;
  /** Failed logins allowed per user and per client address before 429s (see login-limits.ts). */
  loginLimits?: LoginLimitOptions;
}

export interface AuthService {
  app: App;
  keys: KeyRing;
  issuer: string;
  /** Starts signing with a new key; the old one stays in the JWKS until its tokens expired. */
  rotate(): Promise<string>;
  /** Issues a token directly (tests, tools); the endpoint adds the credential checks. */
  issue(claims: TokenClaims): Promise<TokenResponse>;
}

export interface TokenClaims {
  sub: string;
  name: string;
  roles: string[];
  aud: string;
  clientId: string;
  scope?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope?: string;
  jti: string;
}

/** The header a gateway sets on forwarded /oauth requests: the default audience. */
export const GATEWAY_SYSTEM_HEADER = 'x-gateway-system';

class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

// One fixed message per failure kind, so the body never tells which part was wrong.
const badClient = () => new OAuthError(401, 'invalid_client', 'Bad client credentials');
const badGrant = () => new OAuthError(401, 'invalid_grant', 'Bad credentials');
const tooMany = (seconds: number) =>
  Object.assign(new OAuthError(429, 'too_many_requests', 'Too many failed logins, try again later'), {
    retryAfter: seconds,
  });

/**
 * Who is asking: the gateway (on loopback) passes the client's address as x-forwarded-for after
 * dropping any the client sent; anyone else is their own socket address.
 */
function clientAddress(request: { ip: string; headers: Record<string, unknown> }): string {
  const forwarded = request.headers['x-forwarded-for'];
  const loopback = request.ip === '127.0.0.1' || request.ip === '::1' || request.ip === '::ffff:127.0.0.1';
  if (loopback && typeof forwarded === 'string' && forwarded) return forwarded.split(',')[0]!.trim();
  return request.ip;
}

export async function createAuthService(opts: AuthServiceOptions): Promise<AuthService> {
  const { directory } = opts;
  const issuer = opts.issuer ?? 'bounded-auth';
  const ttl = opts.tokenTtlSeconds ?? 900;
  const skew = opts.clockSkewSeconds ?? 60;
  const now = opts.now ?? Date.now;
  const keys = opts.keys ?? (await createKeyRing({ keys: directory.keys, alg: opts.alg, now }));
  // Verified against when the client or user is unknown, so both cases cost the same scrypt.
  const dummyHash = await hashPassword(randomUUID());
  const limits = loginLimits(opts.loginLimits, now);

  async function issue(c: TokenClaims): Promise<TokenResponse> {
    const key = keys.current();
    const iat = Math.floor(now() / 1000);
    const jti = randomUUID();
    const access_token = await new SignJWT({
      roles: c.roles,
      name: c.name,
      client_id: c.clientId,
      ...(c.scope ? { scope: c.scope } : {}),
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setSubject(c.sub)
      .setAudience(c.aud)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .setJti(jti)
      .sign(key.privateKey);
    return {
      access_token,
      token_type: 'bearer',
      expires_in: ttl,
      ...(c.scope ? { scope: c.scope } : {}),
      jti,
    };
  }

  async function authenticateClient(authorization: string | undefined): Promise<Client> {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
    if (!match) throw badClient();
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw badClient();
    const id = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    const client = directory.clients.get(id);
    const ok = await verifyPassword(secret, client?.secretHash ?? dummyHash);
    if (!client || !ok) throw badClient();
    return client;
  }

  async function authenticateUser(username: string, password: string): Promise<User> {
    const user = directory.users.get(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) throw badGrant();
    return user;
  }

  function audienceOf(form: Record<string, string>, client: Client, gatewaySystem: string | undefined) {
    const scopes = (form.scope ?? '').split(/[\s,]+/).filter(Boolean);
    const aud =
      form.audience ||
      scopes.find((s) => directory.systems.includes(s)) ||
      (gatewaySystem && directory.systems.includes(gatewaySystem) ? gatewaySystem : undefined) ||
      client.defaultAudience;
    if (!aud) throw new OAuthError(400, 'invalid_request', 'Name the system: audience=<system>');
    if (!directory.systems.includes(aud)) throw new OAuthError(400, 'invalid_scope', 'Unknown audience');
    if (!allows(client.audiences, aud)) {
      throw new OAuthError(400, 'invalid_scope', 'The client may not ask for this audience');
    }
    return aud;
  }

  const app = buildApp({ name: 'auth', logger: opts.logger });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.post('/oauth/token', async (request, reply) => {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const form = isForm(request.body) ? request.body : {};
    const address = clientAddress(request);
    const username = form.grant_type === 'password' ? form.username : undefined;
    try {
      const wait = limits.retryAfter(username, address);
      if (wait > 0) throw tooMany(wait);
      const client = await authenticateClient(request.headers.authorization).catch((error) => {
        limits.failed(undefined, address);
        throw error;
      });
      const grant = form.grant_type as GrantType | undefined;
      if (!grant) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
      if (grant !== 'client_credentials' && grant !== 'password') {
        throw new OAuthError(400, 'unsupported_grant_type', 'Unsupported grant type');
      }
      if (!client.grants.includes(grant)) {
        throw new OAuthError(400, 'unauthorized_client', 'The client may not use this grant type');
      }
      const gatewaySystem = request.headers[GATEWAY_SYSTEM_HEADER];
      const aud = audienceOf(form, client, typeof gatewaySystem === 'string' ? gatewaySystem : undefined);
      const scope = form.scope || undefined;
      if (grant === 'client_credentials') {
        return await issue({
          sub: client.id,
          name: client.id,
          roles: client.roles,
          aud,
          clientId: client.id,
          scope,
        });
      }
      if (!form.username || form.password === undefined) {
        throw new OAuthError(400, 'invalid_request', 'username and password are required');
      }
      const user = await authenticateUser(form.username, form.password).catch((error) => {
        limits.failed(form.username, address);
        throw error;
      });
      limits.succeeded(user.username);
      if (!allows(user.systems, aud)) throw new OAuthError(400, 'invalid_scope', 'No access to this system');
      return await issue({
        sub: user.id,
        name: user.username,
        roles: user.roles,
        aud,
        clientId: client.id,
        scope,
      });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (err.error === 'invalid_client') reply.header('www-authenticate', 'Basic realm="oauth"');
      const retryAfter = (err as { retryAfter?: number }).retryAfter;
      if (retryAfter) reply.header('retry-after', String(retryAfter));
      request.log.info({ error: err.error }, 'token request refused');
      // Spring's OAuth2 error body, plus the kernel's status/code; no timestamp, so that two
      // refusals of the same kind are byte-identical whatever was wrong.
      return reply.code(err.status).send({
        error: err.error,
        error_description: err.description,
        status: err.status,
        message: err.description,
        path: '/oauth/token',
        code: `AUTH.${err.error.toUpperCase()}`,
      });
    }
  });

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return keys.jwks();
  });

  const rotate = () => keys.rotate((ttl + skew) * 1000);

  // Admin: a token for audience 'auth' carrying role admin (bounded-admin: audience=auth).
  app.post('/admin/keys/rotate', async (request, reply) => {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    let roles: unknown;
    try {
      if (!token) throw new Error('no token');
      const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
        algorithms: ['ES256', 'RS256'],
        audience: 'auth',
        issuer,
        currentDate: new Date(now()),
      });
      roles = payload.roles;
    } catch {
      reply.header('www-authenticate', 'Bearer realm="auth"');
      throw new UnauthorizedError(
        'AUTH.UNAUTHENTICATED',
        'A valid bearer token for audience "auth" is required',
      );
    }
    if (!Array.isArray(roles) || !roles.includes('admin')) {
      throw new ForbiddenError('AUTH.FORBIDDEN', 'Only an admin may rotate keys');
    }
    const kid = await rotate();
    request.log.warn({ kid }, 'signing key rotated');
    return { kid, keys: keys.jwks().keys.map((k) => k.kid) };
  });

  return { app, keys, issuer, rotate, issue };
}

function allows(list: string[], system: string): boolean {
  return list.includes('*') || list.includes(system);
}

function isForm(body: unknown): body is Record<string, string> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function formDecode(s: string): string {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
}
