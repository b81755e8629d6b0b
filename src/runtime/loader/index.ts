/**
 * Finding a definitions file (`--project DIR` looks for definitions.ts, .js or .mjs; `-f` names a
 * file), apart from loading it (definitions-loader.ts, with this folder's module hooks): a command
 * learns which file it works on without importing the definitions' modules.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { arcoError } from '../../domain/errors/index.js';

export const DEFINITIONS_FILE_NAMES = ['definitions.ts', 'definitions.mts', 'definitions.js', 'definitions.mjs'] as const;

/** @throws DEFINITIONS_LOAD_FAILED when neither a file nor a project with a definitions file is found. */
export function locateDefinitions(options: { project?: string; file?: string }): string {
  if (options.file) {
    const file = resolve(options.file);
    if (!existsSync(file)) throw arcoError('DEFINITIONS_LOAD_FAILED', `definitions file not found: ${file}`, { file });
    return file;
  }
  const dir = resolve(options.project ?? '.');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw arcoError('DEFINITIONS_LOAD_FAILED', `project directory not found: ${dir}`, { project: dir });
  }
  for (const name of DEFINITIONS_FILE_NAMES) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw arcoError('DEFINITIONS_LOAD_FAILED', `no ${DEFINITIONS_FILE_NAMES.join(', ')} in ${dir}`, { project: dir });
}
