/**
 * Hot reload for `arco dev`: watches the folder of the definitions file (the file and whatever it
 * imports from there), loads the definitions anew after a change settles, and says what changed.
 * A load that fails leaves the last good definitions in place: the caller is told the error and
 * keeps running what it had.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson, type Json } from '../domain/ids/index.js';
import { automationEntries } from './automation/index.js';
import { loadDefinitions, type LoadedDefinitions } from './definitions-loader.js';

/** An editor writes a file in several steps; one reload follows a burst of changes this quiet. */
const SETTLE_MS = 200;
/** Files whose change can change the definitions. */
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;
/** Folders whose files never hold definitions code (the store, dependencies, VCS). */
const IGNORED = /(^|[\\/])(\.arco|node_modules|\.git)([\\/]|$)/;

export interface NamesChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

export interface DefinitionsChange {
  readonly assets: NamesChange;
  readonly schedules: NamesChange;
  readonly sensors: NamesChange;
}

function diffNames(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): NamesChange {
  return {
    added: [...after.keys()].filter((k) => !before.has(k)).sort(),
    removed: [...before.keys()].filter((k) => !after.has(k)).sort(),
    changed: [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).sort(),
  };
}

/** What an asset is, as far as a run can tell: functions are left out (their code is not compared). */
function assetSignatures(defs: LoadedDefinitions): Map<string, string> {
  return new Map(
    [...defs.assets.values()].map((a) => {
      const { compute: _compute, ...rest } = a as typeof a & { compute?: unknown };
      return [a.key, JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'function' ? undefined : v))];
    }),
  );
}

export function diffDefinitions(before: LoadedDefinitions, after: LoadedDefinitions): DefinitionsChange {
  // Schedules and sensors compare as they are stored: the same form that bumps definitionVersion.
  const stored = (entries: ReadonlyMap<string, { readonly stored: Json }>) => new Map([...entries].map(([name, e]) => [name, canonicalJson(e.stored)]));
  const [a, b] = [automationEntries(before), automationEntries(after)];
  return {
    assets: diffNames(assetSignatures(before), assetSignatures(after)),
    schedules: diffNames(stored(a.schedules), stored(b.schedules)),
    sensors: diffNames(stored(a.sensors), stored(b.sensors)),
  };
}

export function isEmptyChange(change: DefinitionsChange): boolean {
  return Object.values(change).every((c: NamesChange) => c.added.length + c.removed.length + c.changed.length === 0);
}

export interface WatchOptions {
  /** The definitions now in force, and the ones loaded. */
  readonly current: () => LoadedDefinitions;
  readonly onReload: (definitions: LoadedDefinitions, change: DefinitionsChange) => void | Promise<void>;
  /** A load failed; the current definitions stay. */
  readonly onError: (error: unknown) => void;
}

export interface DefinitionsWatcher {
  close(): void;
}

export function watchDefinitions(file: string, options: WatchOptions): DefinitionsWatcher {
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;
  let reloading: Promise<void> = Promise.resolve();
  const reload = async () => {
    generation += 1;
    try {
      const next = await loadDefinitions(file, { generation });
      await options.onReload(next, diffDefinitions(options.current(), next));
    } catch (error) {
      options.onError(error);
    }
  };
  const watcher: FSWatcher = watch(dirname(file), { recursive: true }, (_event, name) => {
    if (name === null || IGNORED.test(name) || !SOURCE_FILE.test(name)) return;
    if (timer) clearTimeout(timer);
    // Reloads run one after another, so a slow load never races a newer one.
    timer = setTimeout(() => (reloading = reloading.then(reload)), SETTLE_MS);
  });
  return {
    close() {
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}
