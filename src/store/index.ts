export type * from './contract.js';
export type { SchemaVersion } from './schema-version.js';
export { guardStoreFile, type StoreFileGuard } from './sqlite/file-identity.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export type { CheckpointResult, CheckpointerOptions } from './sqlite/checkpointer.js';
export type { PostgresStoreOptions } from './postgres/index.js';
export { openStore, openPostgresStore, isPostgresUrl, describeStoreTarget, type OpenStoreOptions } from './open.js';
