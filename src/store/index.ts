export type * from './contract.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
