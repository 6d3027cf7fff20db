/**
 * Who is calling a service: the one place a system's services read identity. It comes only
 * from the gateway's `x-user-*` headers (the gateway verified the JWT and dropped any such
 * header the client sent), never from the request body.
 *
 * No identity headers at all means a DIRECT call on the service's own port: the seed's scripts,
 * the system tests, an operator on the machine. That is trusted and behaves as before identity
 * existed (the body names the customer, every row is visible), which is safe only because
 * service ports listen on loopback (HOST=127.0.0.1, the kernel's default): from outside, the
 * gateway is the only way in, and it always sends an identity (no token → 401 there). Exposing
 * a service port beyond loopback would turn this into a hole: don't.
 *
 * Domain code takes the `Caller` as a parameter and never reads headers itself.
 */
import { type HeadersLike, identityOf } from '@bounded/gateway/identity';

export type Caller =
  /** Came through the gateway with a verified token. */
  | {
      readonly kind: 'user';
      readonly name: string;
      readonly isAdmin: boolean;
      readonly roles?: readonly string[];
    }
  /** A loopback call with no identity headers (see above). */
  | { readonly kind: 'direct' };

export const DIRECT: Caller = { kind: 'direct' };

export function callerOf(request: HeadersLike): Caller {
  const identity = identityOf(request);
  return identity
    ? { kind: 'user', name: identity.name, isAdmin: identity.isAdmin, roles: identity.roles }
    : DIRECT;
}

/**
 * The customer whose rows this caller may see, or undefined when it may see every row: an
 * admin, a direct call, or a holder of one of `seeAll` (an operator, the staff).
 */
export function ownerScope(caller: Caller, seeAll: readonly string[] = []): string | undefined {
  if (caller.kind !== 'user' || caller.isAdmin) return undefined;
  return seeAll.some((role) => caller.roles?.includes(role)) ? undefined : caller.name;
}

/** Whether a row belonging to `owner` is visible to the caller. */
export function mayAccess(caller: Caller, owner: string | null, seeAll: readonly string[] = []): boolean {
  const scope = ownerScope(caller, seeAll);
  return scope === undefined || scope === owner;
}
