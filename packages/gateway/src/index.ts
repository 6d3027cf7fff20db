export { createGateway, GATEWAY_SYSTEM_HEADER, type Gateway, type GatewayOptions } from './gateway.ts';
export {
  ADMIN_ROLE,
  type HeadersLike,
  hasRole,
  type Identity,
  identityOf,
  MissingIdentityError,
  requireIdentity,
  USER_ID_HEADER,
  USER_NAME_HEADER,
  USER_ROLES_HEADER,
} from './identity.ts';
export {
  createVerifier,
  type JwksSource,
  type JwtAlg,
  TokenError,
  type VerifiedToken,
  type Verifier,
  type VerifierOptions,
} from './jwt.ts';
export { type PublicApiOptions, publicApi } from './openapi.ts';
export { createRouteTable, isAllowed, type RouteConfig, type RouteTable } from './routes.ts';
export { createFileTargets, parseTargets } from './targets.ts';
