/**
 * Which project a command acts on. `-f FILE` names a definitions file; `--project DIR` a folder
 * holding definitions.ts (or .js/.mjs). Without either, the current folder if it has one, else the
 * bundled quick-start example. The store lives in `<project>/.arco/arco.db` unless `--db` names a
 * file or a `postgres://` URL.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFINITIONS_FILE_NAMES, locateDefinitions } from '../runtime/loader/index.js';
import { isPostgresUrl } from '../store/target/index.js';

export const PACKAGE_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const EXAMPLE_PROJECT = join(PACKAGE_ROOT, 'examples', 'quickstart');

export interface ProjectOptions {
  readonly project?: string;
  readonly file?: string;
  readonly db?: string;
}

export interface Project {
  readonly definitionsFile: string;
  /** A SQLite file path, or a PostgreSQL URL kept as given. */
  readonly storePath: string;
}

export function resolveProject(options: ProjectOptions): Project {
  let definitionsFile: string;
  if (options.file || options.project) {
    definitionsFile = locateDefinitions(options);
  } else {
    const here = DEFINITIONS_FILE_NAMES.some((name) => existsSync(join(process.cwd(), name)));
    definitionsFile = locateDefinitions({ project: here ? process.cwd() : EXAMPLE_PROJECT });
  }
  const storePath = options.db ? (isPostgresUrl(options.db) ? options.db : resolve(options.db)) : join(dirname(definitionsFile), '.arco', 'arco.db');
  return { definitionsFile, storePath };
}
