export {
  type AuthService,
  type AuthServiceOptions,
  createAuthService,
  GATEWAY_SYSTEM_HEADER,
  type TokenClaims,
  type TokenResponse,
} from './app.ts';
export {
  type AuthConfigDocument,
  type AuthDirectory,
  buildDirectory,
  type ClientConfig,
  configDocumentsFromEnv,
  DEFAULT_SYSTEMS,
  devConfig,
  type GrantType,
  type UserConfig,
} from './config.ts';
export {
  type ConfiguredKey,
  createKeyRing,
  generateSigningKey,
  type KeyRing,
  SIGNING_ALGS,
  type SigningAlg,
  type SigningKey,
} from './keys.ts';
export { DEFAULT_SCRYPT, hashPassword, isPasswordHash, verifyPassword } from './passwords.ts';
