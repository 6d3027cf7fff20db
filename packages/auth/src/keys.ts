/**
 * The signing keys. One key signs (the newest); every key whose tokens may still be alive is
 * published in the JWKS. Rotation adds a key and makes it the signer at once; the previous key
 * stays published until the last token it signed has expired, so verifiers that refetch the JWKS
 * on an unknown `kid` never refuse a valid token.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export type SigningAlg = 'ES256' | 'RS256';
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'RS256'];

export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** Epoch ms after which the key is no longer published (set when a newer key takes over). */
  retireAt?: number;
}

/** A private key in configuration: a private JWK with `kid` and `alg`. */
export interface ConfiguredKey extends JWK {
  kid: string;
  alg: SigningAlg;
}

export interface KeyRing {
  /** The key new tokens are signed with. */
  current(): SigningKey;
  /** Public keys of every key still published (current first). */
  jwks(): { keys: JWK[] };
  /**
   * Adds a new key that signs from now on; the previous signer stays published for `graceMs`
   * (the token lifetime plus clock skew). Returns the new key's kid.
   */
  rotate(graceMs: number, alg?: SigningAlg): Promise<string>;
  /** Exports every live key as private JWKs (for an operator to persist). */
  exportPrivate(): Promise<ConfiguredKey[]>;
}

export async function generateSigningKey(alg: SigningAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  return { kid, alg, privateKey, publicJwk: publicJwkOf(await exportJWK(publicKey), kid, alg) };
}

async function importConfiguredKey(key: ConfiguredKey): Promise<SigningKey> {
  if (!SIGNING_ALGS.includes(key.alg)) throw new Error(`key ${key.kid}: alg must be ES256 or RS256`);
  if (typeof key.d !== 'string') throw new Error(`key ${key.kid}: not a private JWK (no "d")`);
  const privateKey = (await importJWK(key, key.alg, { extractable: true })) as CryptoKey;
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = key;
  return { kid: key.kid, alg: key.alg, privateKey, publicJwk: publicJwkOf(pub, key.kid, key.alg) };
}

function publicJwkOf(jwk: JWK, kid: string, alg: SigningAlg): JWK {
  const out: JWK = { kty: jwk.kty, kid, alg, use: 'sig' };
  for (const f of ['crv', 'x', 'y', 'n', 'e'] as const) if (jwk[f] !== undefined) out[f] = jwk[f];
  return out;
}

/**
 * Builds the ring from configured keys (the last one signs, the others stay published) or, with
 * none, from one fresh key: fine for one process, but replicas of the auth service must share keys.
 */
export async function createKeyRing(
  opts: { keys?: ConfiguredKey[]; alg?: SigningAlg; now?: () => number } = {},
): Promise<KeyRing> {
  const now = opts.now ?? Date.now;
  let keys: SigningKey[] = opts.keys?.length
    ? await Promise.all(opts.keys.map(importConfiguredKey))
    : [await generateSigningKey(opts.alg ?? 'ES256')];
  keys = keys.reverse(); // newest first
  const live = () => {
    const t = now();
    keys = keys.filter((k, i) => i === 0 || k.retireAt === undefined || k.retireAt > t);
    return keys;
  };
  return {
    current: () => keys[0],
    jwks: () => ({ keys: live().map((k) => k.publicJwk) }),
    async rotate(graceMs, alg) {
      const next = await generateSigningKey(alg ?? keys[0].alg);
      const retireAt = now() + graceMs;
      for (const k of keys) k.retireAt = Math.min(k.retireAt ?? Number.POSITIVE_INFINITY, retireAt);
      keys = [next, ...live()];
      return next.kid;
    },
    async exportPrivate() {
      return Promise.all(
        live().map(async (k) => ({ ...(await exportJWK(k.privateKey)), kid: k.kid, alg: k.alg })),
      );
    },
  };
}
