export type * from './contract.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/index.js';
export { openStore, isPostgresUrl, describeStoreTarget } from './open.js';
