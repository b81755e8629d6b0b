/**
 * A user's definitions compiled once into one plain ES module, kept in a cache and imported
 * without a TypeScript loader. On Node 20 a loader runs its hooks on a second thread that every
 * later import waits for: in the command and in each worker that cost about half a second of
 * start-up (docs/benchmarks.md, run-job). A bundle that is still current (every file it was built
 * from, and every tsconfig.json, jsconfig.json and package.json that was or could have been read
 * beside them, has the size and mtime recorded, or is still absent) loads with no compiler at
 * all; esbuild is imported only to build one.
 *
 * What the bundle keeps of the user's modules:
 * - 'arco-flow' is this package's authoring module (the instance this process uses), and every
 *   package under node_modules stays outside the bundle, imported by its resolved file URL, so it
 *   loads once per process as before and the bundle can live in any folder;
 * - `import.meta.url`, `.filename` and `.dirname` are those of the user's own file;
 * - stack traces point into the user's files (an inline source map; source maps are turned on, as
 *   the TypeScript loader did).
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { arcoError } from '../../domain/errors/index.js';

/** Bump when what a bundle or its manifest holds changes, so an older build's are not reused. */
const BUNDLE_FORMAT = 2;

/**
 * Files esbuild reads beside the sources, looked for in each source's folder and every folder
 * above it: a tsconfig's `paths`, `jsx` or `experimentalDecorators` change what a bundle holds.
 */
const CONFIG_FILES = ['tsconfig.json', 'jsconfig.json', 'package.json'];

/** The recorded size of a config file that did not exist: creating it makes the bundle stale. */
const ABSENT = -1;

const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  authoringUrl: z.string(),
  bundle: z.string(),
  inputs: z.array(z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() })),
});
type Manifest = z.infer<typeof manifestSchema>;

export interface BundleOptions {
  /** URL of the module 'arco-flow' names: the authoring entry this process has loaded. */
  readonly authoringUrl: string;
  /** Where bundles are kept; a folder of this user's under the system's temporary folder by default. */
  readonly cacheDir?: string;
}

export function defaultCacheDir(): string {
  const chosen = process.env.ARCO_DEFINITIONS_CACHE;
  if (chosen) return chosen;
  let user: string;
  try {
    user = String(userInfo().uid);
  } catch {
    user = 'user';
  }
  return join(tmpdir(), `arco-definitions-${user}`);
}

/**
 * The file URL of a current bundle of the definitions file, built now if there is none.
 * @throws DEFINITIONS_LOAD_FAILED with the file, line and column when the sources do not compile.
 */
export async function definitionsBundleUrl(file: string, options: BundleOptions): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  ensurePrivateDir(cacheDir);
  const manifestFile = join(cacheDir, `${hash(file)}.json`);
  const current = currentBundle(manifestFile, options.authoringUrl);
  const bundle = current ?? (await build(file, cacheDir, manifestFile, options.authoringUrl));
  process.setSourceMapsEnabled(true);
  return pathToFileURL(bundle).href;
}

/**
 * The cache holds code this process will run, so it must be this user's alone: a folder someone
 * else created (under a shared /tmp, say) or may write to is refused rather than trusted.
 */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) {
    throw arcoError('DEFINITIONS_LOAD_FAILED', `the definitions cache ${dir} is not a folder of this user's that only this user can write to; remove it or set ARCO_DEFINITIONS_CACHE`, { cacheDir: dir });
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** The bundle a manifest names, if every input is unchanged; null for a miss (the cache is only a cache). */
function currentBundle(manifestFile: string, authoringUrl: string): string | null {
  let manifest: Manifest;
  try {
    manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestFile, 'utf8')));
    if (manifest.authoringUrl !== authoringUrl) return null;
    statSync(manifest.bundle);
    for (const input of manifest.inputs) {
      const stat = statSync(input.path, { throwIfNoEntry: false });
      if (stat === undefined ? input.size !== ABSENT : stat.size !== input.size || stat.mtimeMs !== input.mtimeMs) return null;
    }
  } catch {
    return null;
  }
  touch(manifest.bundle);
  touch(manifestFile);
  return manifest.bundle;
}

/** Marks a cache file as used now, so pruning leaves it (see pruneStale). */
function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    // Pruning may then remove it after a week unused; the next load rebuilds it.
  }
}

interface EsbuildMessage {
  readonly text: string;
  readonly location: { readonly file: string; readonly line: number; readonly column: number } | null;
}

async function build(file: string, cacheDir: string, manifestFile: string, authoringUrl: string): Promise<string> {
  const esbuild = await import('esbuild');
  // Inputs are stated before the build reads them: an edit during the build then makes the
  // manifest stale (a rebuild next time), never a bundle recorded as current that is not.
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  const note = (path: string) => {
    if (seen.has(path)) return;
    const stat = statSync(path, { throwIfNoEntry: false });
    seen.set(path, stat === undefined ? { size: ABSENT, mtimeMs: 0 } : { size: stat.size, mtimeMs: stat.mtimeMs });
  };
  const folders = new Set<string>();
  const noteConfigAbove = (source: string) => {
    // A folder seen before had its ancestors noted with it: the walk stops there.
    for (let folder = dirname(source); !folders.has(folder); folder = dirname(folder)) {
      folders.add(folder);
      for (const name of CONFIG_FILES) note(join(folder, name));
    }
  };
  noteConfigAbove(file);
  let output: string;
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // Node's own resolution: no 'module' condition or field, which only bundlers read.
      conditions: [],
      mainFields: ['main'],
      sourcemap: 'inline',
      sourcesContent: false,
      // The source map's paths are relative to where the bundle will be.
      outfile: join(cacheDir, 'bundle.mjs'),
      logLevel: 'silent',
      plugins: [
        {
          name: 'arco-definitions',
          setup(builder) {
            builder.onResolve({ filter: /^arco-flow$/ }, () => ({ path: authoringUrl, external: true }));
            builder.onResolve({ filter: /.*/ }, async (args) => {
              if (args.pluginData === 'arco-resolving' || args.kind === 'entry-point') return undefined;
              const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'arco-resolving' });
              if (resolved.errors.length > 0 || resolved.external || !resolved.path.includes('/node_modules/')) return undefined;
              return { path: pathToFileURL(resolved.path).href, external: true };
            });
            builder.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
              if (args.path.includes('/node_modules/')) return undefined;
              note(args.path);
              noteConfigAbove(args.path);
              const source = readFileSync(args.path, 'utf8');
              const loader = /\.[cm]?tsx?$/.test(args.path) ? (args.path.endsWith('x') ? 'tsx' : 'ts') : args.path.endsWith('x') ? 'jsx' : 'js';
              return { contents: withOwnFile(source, args.path), loader };
            });
          },
        },
      ],
      metafile: true,
    });
    // Files no plugin hook saw (JSON the definitions import, say) count as inputs too.
    for (const input of Object.keys(result.metafile.inputs)) {
      if (!input.includes('node_modules/') && !input.includes(':')) note(resolve(input));
    }
    output = result.outputFiles[0]?.text ?? '';
  } catch (error) {
    throw compileError(file, error);
  }
  const bundle = join(cacheDir, `${hash(output)}.mjs`);
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    authoringUrl,
    bundle,
    inputs: [...seen].map(([path, stat]) => ({ path, ...stat })),
  };
  // Written under a unique name and renamed: the command and its workers may build at once.
  writeAtomically(bundle, output);
  writeAtomically(manifestFile, JSON.stringify(manifest));
  pruneStale(cacheDir);
  return bundle;
}

/** Bundles and manifests unused this long are removed when another bundle is built. */
export const STALE_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * Every edit makes a new bundle (they are named by content), so old ones are removed once they
 * have been left alone for a week. A bundle in use is refreshed on each load (`touch`); a process
 * that had loaded one keeps it in memory, and a manifest whose bundle is gone is rebuilt.
 */
function pruneStale(cacheDir: string): void {
  const before = Date.now() - STALE_AFTER_MS;
  for (const name of readdirSync(cacheDir)) {
    if (!/\.(mjs|json|tmp)$/.test(name)) continue;
    const path = join(cacheDir, name);
    try {
      if (statSync(path).mtimeMs < before) rmSync(path, { force: true });
    } catch {
      // Removed meanwhile by another process pruning too.
    }
  }
}

function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
}

/** The user's file's own URL, path and folder where its code asks `import.meta` for them. */
function withOwnFile(source: string, path: string): string {
  if (!source.includes('import.meta.')) return source;
  const url = pathToFileURL(path).href;
  return source
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(url))
    .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(fileURLToPath(url)))
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname(fileURLToPath(url))));
}

function compileError(file: string, error: unknown): Error {
  const messages = (error as { errors?: readonly EsbuildMessage[] }).errors;
  const first = messages?.[0];
  if (first) {
    const at = first.location ? `${first.location.file.startsWith('/') ? first.location.file : join(process.cwd(), first.location.file)}:${first.location.line}:${first.location.column + 1}` : null;
    return arcoError('DEFINITIONS_LOAD_FAILED', `cannot import ${file}: ${first.text}${at ? ` (at ${at})` : ''}`, { file, ...(at ? { at } : {}) });
  }
  const message = error instanceof Error ? error.message : String(error);
  return arcoError('DEFINITIONS_LOAD_FAILED', `cannot import ${file}: ${message}`, { file });
}
