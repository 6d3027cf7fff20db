export type { Kysely, QueryResult } from 'kysely';
export type { Migration } from 'kysely/migration';
export { type IdBlocks, idBlockMigrations, idBlocks } from './id-blocks.ts';
export { type DialectName, openStore, type Store, StoreConfigError } from './open.ts';
export { reusable } from './reusable.ts';
export {
  againOnUniqueViolation,
  dialectOf,
  insertForId,
  isUniqueViolation,
  keyText,
  largeText,
  withSerialKey,
} from './schema.ts';
