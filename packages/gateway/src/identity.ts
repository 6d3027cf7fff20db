/**
 * How a service behind the gateway learns who is calling: the gateway verifies the JWT and passes
 * the identity in `x-user-id`, `x-user-roles` (comma list) and `x-user-name`, after stripping any
 * such headers the client sent. These headers are only trustworthy because services listen on
 * loopback (HOST=127.0.0.1, the kernel's default) and are reached only through the gateway.
 * No Fastify here: anything with `headers` works (Fastify/node requests, tests).
 */

export const USER_ID_HEADER = 'x-user-id';
export const USER_ROLES_HEADER = 'x-user-roles';
export const USER_NAME_HEADER = 'x-user-name';
export const ADMIN_ROLE = 'admin';

export interface Identity {
  userId: string;
  /** The login name (username or client id); equals userId unless the directory maps ids. */
  name: string;
  roles: string[];
  isAdmin: boolean;
}

export interface HeadersLike {
  headers: Record<string, string | string[] | undefined>;
}

function header(req: HeadersLike, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The caller's identity, or undefined when the request did not come through the gateway with a token. */
export function identityOf(request: HeadersLike): Identity | undefined {
  const userId = header(request, USER_ID_HEADER);
  if (!userId) return undefined;
  const roles = (header(request, USER_ROLES_HEADER) ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  return {
    userId,
    name: header(request, USER_NAME_HEADER) || userId,
    roles,
    isAdmin: roles.includes(ADMIN_ROLE),
  };
}

/** Thrown by requireIdentity; the kernel's error handler turns it into a 401 in the error shape. */
export class MissingIdentityError extends Error {
  override name = 'MissingIdentityError';
  readonly status = 401;
  readonly code = 'AUTH.UNAUTHENTICATED';
  constructor() {
    super('This request needs an authenticated user');
  }
}

export function requireIdentity(request: HeadersLike): Identity {
  const id = identityOf(request);
  if (!id) throw new MissingIdentityError();
  return id;
}

/** True for an admin or a holder of any of the roles. */
export function hasRole(identity: Identity | undefined, ...roles: string[]): boolean {
  return !!identity && (identity.isAdmin || roles.some((r) => identity.roles.includes(r)));
}
