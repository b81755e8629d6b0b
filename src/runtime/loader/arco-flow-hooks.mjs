// Module resolution hooks for definitions files, wherever they live on disk:
// - `import ... from 'arco-flow'` resolves to this package, even from a folder with no
//   node_modules of its own;
// - `.ts` files outside node_modules load as ES modules. A definitions file in a folder without a
//   package.json ("type": "module") would otherwise be compiled as CommonJS, where neither the
//   import above nor top-level await works. Definitions files are ES modules by contract;
// - a definitions file imported with `?arco_generation=N` passes that query on to every user file
//   it imports, so reloading definitions (arco dev's hot reload) evaluates the user's modules anew
//   while 'arco-flow' and node_modules stay the same instances.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Beside the sources this is authoring/index.ts; in the compiled build (dist/), authoring/index.js.
const compiledEntry = new URL('../../authoring/index.js', import.meta.url);
const entryUrl = (existsSync(fileURLToPath(compiledEntry)) ? compiledEntry : new URL('../../authoring/index.ts', import.meta.url)).href;
// This package's own code (src/ or dist/), which is never reloaded.
const ownCode = new URL('../../', import.meta.url).href;
const GENERATION = 'arco_generation';

function isUserFile(url) {
  return url.startsWith('file:') && !url.includes('/node_modules/') && !url.startsWith(ownCode);
}

function isUserTypeScript(url) {
  return isUserFile(url) && /\.tsx?$/.test(new URL(url).pathname);
}

function withGeneration(url, parentURL) {
  if (!parentURL || !isUserFile(url)) return url;
  const generation = new URL(parentURL).searchParams.get(GENERATION);
  if (generation === null) return url;
  const next = new URL(url);
  next.searchParams.set(GENERATION, generation);
  return next.href;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'arco-flow') return { url: entryUrl, format: 'module', shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  const url = withGeneration(resolved.url, context.parentURL);
  if (resolved.format === 'commonjs' && isUserTypeScript(url)) return { ...resolved, url, format: 'module' };
  return url === resolved.url ? resolved : { ...resolved, url };
}

export async function load(url, context, nextLoad) {
  if (context.format === 'commonjs' && isUserTypeScript(url)) return nextLoad(url, { ...context, format: 'module' });
  return nextLoad(url, context);
}
