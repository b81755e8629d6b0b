/**
 * SQLite failures that say the store itself cannot serve (disk full, a read-only or deleted file,
 * a damaged page, another process holding the lock past the busy timeout) surface as
 * STORE_UNAVAILABLE, a 503 the caller may retry, instead of an internal error that reads like a bug.
 * Anything else (a constraint, a bug of ours) passes through unchanged.
 */
import { arcoError } from '../../domain/errors/index.js';

/** Result codes (with their extended forms, e.g. SQLITE_IOERR_WRITE) that mean "the store is unavailable". */
const UNAVAILABLE_CODE = /^SQLITE_(FULL|IOERR|READONLY|CORRUPT|NOTADB|CANTOPEN|BUSY|LOCKED|PROTOCOL)(_|$)/;

function sqliteCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

export function isSqliteUnavailable(error: unknown): boolean {
  const code = sqliteCodeOf(error);
  return code !== undefined && UNAVAILABLE_CODE.test(code);
}

/** Maps a store-level SQLite failure to STORE_UNAVAILABLE; any other error passes through unchanged. */
export function sqliteUnavailableOr(error: unknown, path: string): unknown {
  if (!isSqliteUnavailable(error)) return error;
  return arcoError('STORE_UNAVAILABLE', `SQLite store at ${path} is unavailable: ${(error as Error).message}`, {
    path,
    sqliteCode: sqliteCodeOf(error),
  });
}

/**
 * The family with each method's store-level failures mapped (see sqliteUnavailableOr). Methods
 * keep their shape: a synchronous throw is mapped and rethrown, a rejected promise is mapped;
 * methods run on the family itself, so its calls to its own methods are not mapped twice.
 */
export function guardedSqlite<F extends object>(family: F, path: string): F {
  const mapped = new Map<PropertyKey, unknown>();
  return new Proxy(family, {
    get(object, name) {
      const value: unknown = Reflect.get(object, name, object);
      if (typeof value !== 'function') return value;
      if (!mapped.has(name)) {
        mapped.set(name, (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(object, args);
          } catch (error) {
            throw sqliteUnavailableOr(error, path);
          }
          if (result instanceof Promise) return result.catch((error: unknown) => Promise.reject(sqliteUnavailableOr(error, path)));
          return result;
        });
      }
      return mapped.get(name);
    },
  });
}
