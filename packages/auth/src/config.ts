/**
 * Who may ask for tokens (clients), who may log in (users) and the keys, from one JSON document:
 * env AUTH_CONFIG (inline JSON) or AUTH_CONFIG_FILE (a path). Secrets may be given in clear (hashed
 * at load, for development) or as scrypt hashes (`secretHash` / `passwordHash`, see hashPassword).
 * The development set is added only when asked (AUTH_DEV_USERS=1).
 */
import { readFileSync } from 'node:fs';
import type { ConfiguredKey } from './keys.ts';
import { hashPassword, isPasswordHash } from './passwords.ts';

export type GrantType = 'client_credentials' | 'password';

export interface ClientConfig {
  id: string;
  secret?: string;
  secretHash?: string;
  grants: GrantType[];
  /** Roles of tokens issued to the client itself (client_credentials). */
  roles?: string[];
  /** Systems (audiences) it may ask tokens for; '*' = any known system. Default ['*']. */
  audiences?: string[];
  /** The audience when the request names none. */
  defaultAudience?: string;
}

export interface UserConfig {
  username: string;
  /** The token's `sub`; defaults to the username. */
  id?: string;
  password?: string;
  passwordHash?: string;
  roles: string[];
  /** Systems the user may log in to; '*' = every known system. Default ['*']. */
  systems?: string[];
}

export interface AuthConfigDocument {
  /** The known systems: the only audiences tokens are issued for. */
  systems?: string[];
  clients?: ClientConfig[];
  users?: UserConfig[];
  keys?: ConfiguredKey[];
}

export interface Client {
  id: string;
  secretHash: string;
  grants: GrantType[];
  roles: string[];
  audiences: string[];
  defaultAudience?: string;
}

export interface User {
  username: string;
  id: string;
  passwordHash: string;
  roles: string[];
  systems: string[];
}

export interface AuthDirectory {
  systems: string[];
  clients: Map<string, Client>;
  users: Map<string, User>;
  keys?: ConfiguredKey[];
}

/** The five systems, plus `auth` itself (its admin endpoints). */
export const DEFAULT_SYSTEMS = ['carshare', 'flowerdelivery', 'cleaning', 'library', 'malltail', 'auth'];

const DEV_SECRET = 'dev-secret';

/** The development set (README): every password equals the username. */
export function devConfig(): AuthConfigDocument {
  const user = (username: string, roles: string[], systems: string[] = ['*']): UserConfig => ({
    username,
    password: username,
    roles,
    systems,
  });
  return {
    clients: [
      { id: 'bounded-web', secret: DEV_SECRET, grants: ['password'] },
      { id: 'bounded-admin', secret: DEV_SECRET, grants: ['client_credentials'], roles: ['admin'] },
    ],
    users: [
      user('customer1', ['customer']),
      user('customer2', ['customer']),
      user('store1', ['store'], ['flowerdelivery']),
      user('rider1', ['rider'], ['flowerdelivery']),
      user('shop1', ['shop'], ['malltail']),
      user('customs1', ['customs'], ['malltail']),
      user('operator1', ['operator'], ['carshare']),
      user('manager1', ['manager'], ['cleaning']),
      user('cleaner1', ['cleaner'], ['cleaning']),
      user('cleaner2', ['cleaner'], ['cleaning']),
      user('staff1', ['staff'], ['library']),
    ],
  };
}

/** Merges documents (later ones win per client id / username) and hashes clear secrets. */
export async function buildDirectory(...docs: AuthConfigDocument[]): Promise<AuthDirectory> {
  const systems = [...new Set(docs.flatMap((d) => d.systems ?? []))];
  const clients = new Map<string, Client>();
  const users = new Map<string, User>();
  let keys: ConfiguredKey[] | undefined;
  for (const doc of docs) {
    for (const c of doc.clients ?? []) {
      if (!c.id || !Array.isArray(c.grants)) throw new Error('auth config: a client needs id and grants');
      clients.set(c.id, {
        id: c.id,
        secretHash: await secretHashOf(c.secretHash, c.secret, `client ${c.id}`),
        grants: c.grants,
        roles: c.roles ?? [],
        audiences: c.audiences ?? ['*'],
        ...(c.defaultAudience ? { defaultAudience: c.defaultAudience } : {}),
      });
    }
    const hashed = await Promise.all(
      (doc.users ?? []).map(async (u): Promise<User> => {
        if (!u.username || !Array.isArray(u.roles))
          throw new Error('auth config: a user needs username and roles');
        return {
          username: u.username,
          id: u.id ?? u.username,
          passwordHash: await secretHashOf(u.passwordHash, u.password, `user ${u.username}`),
          roles: u.roles,
          systems: u.systems ?? ['*'],
        };
      }),
    );
    for (const u of hashed) users.set(u.username, u);
    if (doc.keys?.length) keys = doc.keys;
  }
  return { systems: systems.length ? systems : DEFAULT_SYSTEMS, clients, users, ...(keys ? { keys } : {}) };
}

async function secretHashOf(hash: string | undefined, clear: string | undefined, what: string) {
  if (hash !== undefined) {
    if (!isPasswordHash(hash)) throw new Error(`auth config: ${what}: not an scrypt hash`);
    return hash;
  }
  if (typeof clear !== 'string' || clear === '') throw new Error(`auth config: ${what}: no secret`);
  return hashPassword(clear);
}

/** Reads AUTH_CONFIG / AUTH_CONFIG_FILE / AUTH_DEV_USERS into the documents to merge. */
export function configDocumentsFromEnv(env: Record<string, string | undefined>): AuthConfigDocument[] {
  const docs: AuthConfigDocument[] = [];
  if (env.AUTH_DEV_USERS === '1' || env.AUTH_DEV_USERS === 'true') docs.push(devConfig());
  if (env.AUTH_CONFIG_FILE) docs.push(parse(readFileSync(env.AUTH_CONFIG_FILE, 'utf8'), 'AUTH_CONFIG_FILE'));
  if (env.AUTH_CONFIG) docs.push(parse(env.AUTH_CONFIG, 'AUTH_CONFIG'));
  return docs;
}

function parse(text: string, variable: string): AuthConfigDocument {
  try {
    return JSON.parse(text) as AuthConfigDocument;
  } catch (err) {
    throw new Error(`${variable} is not valid JSON: ${(err as Error).message}`);
  }
}
