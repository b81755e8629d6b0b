/**
 * A long-lived process notices when the SQLite file it opened is deleted or replaced under it. The
 * open connection would go on writing into the unlinked inode, every acknowledged write lost the
 * moment the process ends; checking the path's identity before acknowledging turns that into a
 * refusal the caller sees.
 */
import { statSync } from 'node:fs';
import { arcoError, type ArcoError } from '../../domain/errors/index.js';

export interface StoreFileGuard {
  /** STORE_UNAVAILABLE when the file at the path is no longer the one opened, else undefined. */
  check(): ArcoError | undefined;
}

function identityOf(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/** Remembers the file's identity now; `check` compares the path against it. */
export function guardStoreFile(path: string): StoreFileGuard {
  const opened = identityOf(path);
  return {
    check() {
      if (opened === undefined) return undefined;
      const now = identityOf(path);
      if (now === opened) return undefined;
      const what = now === undefined ? 'was deleted' : 'was replaced by another file';
      return arcoError('STORE_UNAVAILABLE', `the store file ${path} ${what} while this process had it open; nothing more can be recorded safely. Restart to open the file now at that path.`, {
        path,
        reason: now === undefined ? 'deleted' : 'replaced',
      });
    },
  };
}
