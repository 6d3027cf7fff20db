export { openStore, StoreConfigError, type Store, type DialectName } from './open.ts';
export { dialectOf, withSerialKey, keyText } from './schema.ts';
export type { Kysely, Migration } from 'kysely';
