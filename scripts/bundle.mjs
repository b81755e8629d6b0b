// Bundles src/ into a few files in dist/ (scripts/build.mjs calls it). A command used to import
// about 430 modules one by one, and resolving, reading and linking them was most of its start-up;
// a bundle with shared chunks is a handful of files (start-up budget: DESIGN.md, issue 18).
//
// Layout: each entry and chunk sits directly in dist/, and a one-line stub at the entry's
// unbundled path (dist/cli/main.js, dist/authoring/index.js, ...) re-exports it, so bin/arco.mjs,
// the package's "exports" and the definitions resolver keep their paths. Every entry shares the
// same chunks, so the 'arco-flow' module user definitions import is the same instance the command
// uses.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';

const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
/** Packages compiled into the bundle instead of imported from node_modules. */
const BUNDLED_PACKAGES = new Set(['zod']);

/** Entries, by output name: the modules something outside the bundle loads by path. */
const ENTRIES = {
  'cli-main': 'cli/main.ts',
  'worker-main': 'runtime/worker/worker-main.ts',
  authoring: 'authoring/index.ts',
  operations: 'operations/index.ts',
};

/**
 * Code that finds files beside itself (`new URL('../../package.json', import.meta.url)`) was
 * written for one module per file. In a bundle it sees the chunk's URL instead, so each source's
 * `import.meta.url` becomes the URL its unbundled build would have had: dist/<path>.js, computed
 * from the chunk's own URL (every chunk sits directly in dist/, see above).
 */
function ownFileUrls(src) {
  return {
    name: 'own-file-urls',
    setup(builder) {
      // Our .mjs modules (the loader's hooks, the SQL sandbox) are copied to dist/ as they are and
      // load by their own path, so imports of them stay imports, relative to dist/ like every chunk.
      builder.onResolve({ filter: /\.mjs$/ }, (args) => {
        const path = join(args.resolveDir, args.path);
        if (!args.path.startsWith('.') || !path.startsWith(src)) return undefined;
        return { path: `./${relative(src, path).replaceAll('\\', '/')}`, external: true };
      });
      builder.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!args.path.startsWith(src) || !source.includes('import.meta.url')) return undefined;
        const unbundled = `./${relative(src, args.path).replaceAll('\\', '/').replace(/\.ts$/, '.js')}`;
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(unbundled)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

export async function bundle(src, dist) {
  await build({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, path]) => [name, join(src, path)])),
    outdir: dist,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages load from node_modules as they are, except zod: most of a process's ~100
    // modules were zod's, and 'arco-flow' re-exports this copy as `z`, so user code that
    // validates with Arco's z still meets the same instance.
    external: Object.keys(dependencies).filter((name) => !BUNDLED_PACKAGES.has(name)),
    chunkNames: 'chunk-[hash]',
    // Names of functions and classes survive bundling (error classes and logs print them).
    keepNames: true,
    logLevel: 'warning',
    plugins: [ownFileUrls(src)],
  });
  for (const [name, path] of Object.entries(ENTRIES)) {
    const stub = join(dist, path.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(stub), { recursive: true });
    const target = relative(dirname(stub), join(dist, `${name}.js`)).replaceAll('\\', '/');
    writeFileSync(stub, `export * from ${JSON.stringify(target.startsWith('.') ? target : `./${target}`)};\n`);
  }
}
