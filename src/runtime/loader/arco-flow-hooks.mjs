// Module resolution hooks for definitions files, wherever they live on disk:
// - `import ... from 'arco-flow'` resolves to this package, even from a folder with no
//   node_modules of its own;
// - `.ts` files outside node_modules load as ES modules. A definitions file in a folder without a
//   package.json ("type": "module") would otherwise be compiled as CommonJS, where neither the
//   import above nor top-level await works. Definitions files are ES modules by contract.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Beside the sources this is authoring/index.ts; in the compiled build (dist/), authoring/index.js.
const compiledEntry = new URL('../../authoring/index.js', import.meta.url);
const entryUrl = (existsSync(fileURLToPath(compiledEntry)) ? compiledEntry : new URL('../../authoring/index.ts', import.meta.url)).href;

function isUserTypeScript(url) {
  return url.startsWith('file:') && /\.tsx?$/.test(url) && !url.includes('/node_modules/');
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'arco-flow') return { url: entryUrl, format: 'module', shortCircuit: true };
  const resolved = await nextResolve(specifier, context);
  if (resolved.format === 'commonjs' && isUserTypeScript(resolved.url)) return { ...resolved, format: 'module' };
  return resolved;
}

export async function load(url, context, nextLoad) {
  if (context.format === 'commonjs' && isUserTypeScript(url)) return nextLoad(url, { ...context, format: 'module' });
  return nextLoad(url, context);
}
