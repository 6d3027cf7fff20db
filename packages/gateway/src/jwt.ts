/**
 * JWT verification against the auth service's JWKS. Algorithms are pinned (ES256/RS256 only), so
 * `alg: none` and HS256-signed-with-the-public-key tokens are refused before any key is used.
 *
 * Keys are cached by `kid`. A token with an unknown kid makes the verifier fetch the JWKS again,
 * and the fetch it waits for is always one that STARTED after the token arrived: so a rotation
 * (auth publishes the new key, then signs with it) is picked up with no valid token refused.
 * Fetches are single-flight and at least `refreshCooldownMs` apart, so a flood of made-up kids
 * costs the auth service a bounded number of JWKS requests.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeProtectedHeader, errors, importJWK, type JWK, jwtVerify } from 'jose';

export type JwtAlg = 'ES256' | 'RS256';
export type JwksSource = URL | string | { keys: JWK[] };

export interface VerifierOptions {
  /** The JWKS URL (fetched, cached, refreshed on unknown kid) or a fixed key set. */
  jwks: JwksSource;
  /** The one audience accepted: the system name. */
  audience: string;
  /** When set, `iss` must equal it. */
  issuer?: string;
  algorithms?: JwtAlg[];
  clockToleranceSeconds?: number;
  /** Minimum time between two JWKS fetch starts. Default 100 ms. */
  refreshCooldownMs?: number;
  /** Age after which the JWKS is refetched in the background (drops retired keys). Default 5 min. */
  maxAgeMs?: number;
  fetchTimeoutMs?: number;
  /**
   * Tokens already verified, remembered (by their exact text) until they expire, so a client's
   * next request skips the signature check (~0.2 ms of CPU). Bounded; emptied whenever a key
   * leaves the JWKS. 0 turns it off. Default 10000.
   */
  cacheSize?: number;
}

export interface VerifiedToken {
  sub: string;
  name: string;
  roles: string[];
  exp: number;
}

/** Why a token was refused; `status` 401 except when the JWKS could not be had (503). */
export class TokenError extends Error {
  override name = 'TokenError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: 401 | 503 = 401,
  ) {
    super(message);
  }
}

export interface Verifier {
  verify(token: string): Promise<VerifiedToken>;
  /** Fetches the JWKS now (e.g. at start); rejects when it cannot. */
  refresh(): Promise<void>;
}

interface CachedKey {
  jwk: JWK;
  /** Imported on first use, per algorithm (a JWK without `alg` takes the token's, if its kty fits). */
  imported: Map<string, Promise<CryptoKey | Uint8Array>>;
}

export function createVerifier(opts: VerifierOptions): Verifier {
  const algorithms = opts.algorithms ?? ['ES256', 'RS256'];
  const cooldown = opts.refreshCooldownMs ?? 100;
  const maxAge = opts.maxAgeMs ?? 5 * 60_000;
  const remote = typeof opts.jwks === 'string' || opts.jwks instanceof URL ? new URL(opts.jwks) : undefined;
  let keys = new Map<string, CachedKey>();
  let fetchedAt = 0;
  let inflight: { startedAt: number; done: Promise<void> } | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  const cacheSize = opts.cacheSize ?? 10_000;
  const tolerance = opts.clockToleranceSeconds ?? 5;
  const verified = new Map<string, VerifiedToken>();

  function install(set: { keys?: JWK[] }): void {
    if (!Array.isArray(set.keys)) throw new Error('JWKS without "keys"');
    const next = new Map<string, CachedKey>();
    for (const jwk of set.keys) {
      if (typeof jwk.kid !== 'string' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
      if (jwk.alg !== undefined && !algorithms.includes(jwk.alg as JwtAlg)) continue;
      const old = keys.get(jwk.kid);
      const same = old && JSON.stringify(old.jwk) === JSON.stringify(jwk);
      next.set(jwk.kid, same ? old : { jwk, imported: new Map() });
    }
    for (const kid of keys.keys()) if (!next.has(kid)) verified.clear(); // a withdrawn key
    keys = next;
  }
  if (!remote) install(opts.jwks as { keys: JWK[] });

  async function fetchOnce(): Promise<void> {
    const res = await fetch(remote!, {
      signal: AbortSignal.timeout(opts.fetchTimeoutMs ?? 2000),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`JWKS ${remote} answered ${res.status}`);
    install((await res.json()) as { keys?: JWK[] });
    fetchedAt = Date.now();
  }

  /** Resolves after a fetch that started at or after `after` has finished. */
  async function refreshSince(after: number): Promise<void> {
    if (!remote) return;
    for (;;) {
      if (inflight) {
        const current = inflight;
        if (current.startedAt >= after) return current.done;
        await current.done.catch(() => {});
        continue;
      }
      const wait = lastStart + cooldown - performance.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      const startedAt = performance.now();
      lastStart = startedAt;
      const done = fetchOnce().finally(() => {
        if (inflight?.done === done) inflight = undefined;
      });
      inflight = { startedAt, done };
      return done;
    }
  }

  async function keyFor(kid: string, arrivedAt: number): Promise<CachedKey> {
    let entry = keys.get(kid);
    if (!entry) {
      try {
        await refreshSince(arrivedAt);
      } catch {
        throw new TokenError('GATEWAY.JWKS_UNAVAILABLE', 'The token cannot be checked right now', 503);
      }
      entry = keys.get(kid);
      if (!entry) throw new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
    } else if (remote && Date.now() - fetchedAt > maxAge && !inflight) {
      refreshSince(performance.now()).catch(() => {}); // background: keep serving from the cache
    }
    return entry;
  }

  return {
    refresh: () => refreshSince(performance.now()),
    async verify(token) {
      const hit = verified.get(token);
      if (hit) {
        if (hit.exp + tolerance > Date.now() / 1000) return hit;
        verified.delete(token);
      }
      const arrivedAt = performance.now();
      let alg: string | undefined;
      let kid: string | undefined;
      try {
        ({ alg, kid } = decodeProtectedHeader(token));
      } catch {
        throw new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
      }
      if (!alg || !algorithms.includes(alg as JwtAlg) || !kid) {
        throw new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
      }
      const entry = await keyFor(kid, arrivedAt);
      if (entry.jwk.alg !== undefined && entry.jwk.alg !== alg) {
        throw new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
      }
      let imported = entry.imported.get(alg);
      if (!imported) {
        imported = importJWK(entry.jwk, alg);
        entry.imported.set(alg, imported);
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await imported, {
          algorithms: [alg],
          audience: opts.audience,
          ...(opts.issuer ? { issuer: opts.issuer } : {}),
          clockTolerance: tolerance,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired)
          throw new TokenError('AUTH.TOKEN_EXPIRED', 'The token has expired');
        if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') {
          throw new TokenError('AUTH.WRONG_AUDIENCE', `The token is not for ${opts.audience}`);
        }
        throw new TokenError('AUTH.INVALID_TOKEN', 'The token is invalid');
      }
      const roles = Array.isArray(payload.roles) ? payload.roles.filter((r) => typeof r === 'string') : [];
      const sub = String(payload.sub);
      const name = typeof payload.name === 'string' ? payload.name : sub;
      const result = { sub, name, roles, exp: payload.exp as number };
      if (cacheSize > 0) {
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, result);
      }
      return result;
    },
  };
}
