/**
 * The store's schema version: the highest migration applied to it. Migrations are numbered and
 * forward-only, and run when a store is opened; a store migrated by a newer Arco Flow than the one
 * opening it is refused, since this build would read and write tables whose shape it does not know.
 */
import { arcoError } from '../domain/errors/index.js';

/** The schema version when the store was opened, and after the migrations opening it applied. */
export interface SchemaVersion {
  readonly before: number;
  readonly version: number;
}

/**
 * The highest of `applied` (0 for a new store).
 * @throws STORE_SCHEMA_NEWER when it is above `newest`, the highest migration this build has.
 */
export function appliedVersion(applied: Iterable<number>, newest: number, target: string): number {
  const version = Math.max(0, ...applied);
  if (version > newest) {
    throw arcoError(
      'STORE_SCHEMA_NEWER',
      `the store at ${target} has schema version ${version}, from a newer Arco Flow; this one knows versions up to ${newest} and will not use it: upgrade arco-flow`,
      { target, storeVersion: version, buildVersion: newest },
    );
  }
  return version;
}
