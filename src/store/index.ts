export type * from './contract.js';
export { guardStoreFile, type StoreFileGuard } from './sqlite/file-identity.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export type { CheckpointResult, CheckpointerOptions } from './sqlite/checkpointer.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/index.js';
export { openStore, isPostgresUrl, describeStoreTarget, type OpenStoreOptions } from './open.js';
