/**
 * Tidy: rules of DESIGN.md and STYLE.md that a test can check. The pure core reads no clock,
 * randomness, environment or I/O; dependencies point one way; a folder is entered through its
 * index.ts; modules stay small.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(fileURLToPath(new URL('../src', import.meta.url)));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

const ALL = files(SRC);
const UI = resolve(fileURLToPath(new URL('../ui/src', import.meta.url)));
const UI_FILES = readdirSync(UI, { recursive: true, encoding: 'utf8' })
  .filter((name) => /\.tsx?$/.test(name))
  .map((name) => join(UI, name));
const PURE = ['domain', 'events', 'fold', 'controllers'];
const topOf = (path: string) => relative(SRC, path).split(sep)[0] as string;
/** Strips comments so prose about Date.now does not trip the rules. */
const code = (path: string) => readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\s*\(/, 'take `now` as an argument (the shell reads a Clock)'],
  [/\bnew Date\(\s*\)/, 'take `now` as an argument (the shell reads a Clock)'],
  [/\bperformance\.now\s*\(/, 'take `now` as an argument (the shell reads a Clock)'],
  [/\bMath\.random\s*\(/, 'take a seeded Rng'],
  [/\bprocess\.env\b/, 'pass configuration in explicitly'],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, 'timers belong to the shell (runtime/)'],
  [/from\s+['"](node:)?(fs|fs\/promises|net|http|https|http2|child_process|os|worker_threads|dgram|dns|tls|cluster|readline)['"]/, 'I/O belongs to the shell: use the Store or runtime/'],
  [/from\s+['"](pg|better-sqlite3|kysely)['"]/, 'use the Store contract from runtime/'],
];

/** Which top-level folders each folder may import from (DESIGN.md "Dependencies point one way"). */
const ALLOWED: Record<string, readonly string[]> = {
  domain: ['domain'],
  events: ['domain', 'events'],
  fold: ['domain', 'events', 'fold'],
  controllers: ['domain', 'events', 'fold', 'controllers'],
  authoring: ['domain', 'authoring'],
  store: ['domain', 'events', 'fold', 'store'],
  parity: ['domain', 'parity'],
  runtime: ['domain', 'events', 'fold', 'controllers', 'store', 'authoring', 'runtime'],
  operations: ['domain', 'events', 'fold', 'controllers', 'store', 'authoring', 'runtime', 'parity', 'operations'],
  api: ['domain', 'events', 'fold', 'controllers', 'store', 'authoring', 'runtime', 'operations', 'api'],
  cli: ['domain', 'events', 'fold', 'controllers', 'store', 'authoring', 'runtime', 'operations', 'api', 'parity', 'cli'],
};

function relativeImports(path: string): string[] {
  return [...code(path).matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => resolve(dirname(path), m[1] as string));
}

describe('tidy', () => {
  test('the pure core reads no clock, randomness, environment, timers, files, sockets or databases', () => {
    const problems: string[] = [];
    for (const path of ALL.filter((p) => PURE.includes(topOf(p)))) {
      const text = code(path);
      for (const [pattern, replacement] of FORBIDDEN) {
        if (pattern.test(text)) problems.push(`${relative(SRC, path)}: ${pattern.source} -> ${replacement}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('dependencies point one way: domain <- events <- fold <- controllers <- runtime/api/cli', () => {
    const problems: string[] = [];
    for (const path of ALL) {
      const from = topOf(path);
      for (const target of relativeImports(path)) {
        const to = topOf(target);
        if (!(ALLOWED[from] ?? []).includes(to)) problems.push(`${relative(SRC, path)} imports ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test("a folder is entered only through its index.ts", () => {
    const problems: string[] = [];
    for (const path of ALL) {
      for (const target of relativeImports(path)) {
        const fromDir = dirname(path);
        const toDir = dirname(target);
        // Inside one folder (or from a folder into its own subfolders) anything goes.
        if (toDir === fromDir || toDir.startsWith(fromDir + sep) || fromDir.startsWith(toDir + sep)) continue;
        if (!/\/index\.(js|ts|mjs)$/.test(target) && !target.endsWith('.mjs')) problems.push(`${relative(SRC, path)} imports ${relative(SRC, target)}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('API routes come from the operation catalogue, and the CLI reaches them only through its client', () => {
    const problems: string[] = [];
    for (const path of ALL.filter((p) => topOf(p) === 'api')) {
      // Only the unlisted routes (OpenAPI document, health probes, Prometheus metrics, the web UI's static files) are written by hand.
      for (const m of code(path).matchAll(/\.(get|post|put|patch|delete|route)\(\s*['"`]([^'"`]*)/g)) {
        if (!['/api/openapi.json', '/api/v1/health', '/healthz', '/metrics', '/', '/*'].includes(m[2] as string)) problems.push(`${relative(SRC, path)}: route ${m[2]} -> declare it in src/operations`);
      }
    }
    for (const path of ALL.filter((p) => topOf(p) === 'cli' && !/cli\/(client|common)\.ts$/.test(p))) {
      if (/\bfetch\s*\(/.test(code(path))) problems.push(`${relative(SRC, path)}: fetch -> invoke an operation through the Client`);
    }
    assert.deepEqual(problems, []);
  });

  test('the web UI takes only types from src (its API client is typed from the catalogue), and reaches the API only through ui/src/api.ts', () => {
    const problems: string[] = [];
    for (const path of UI_FILES) {
      const text = code(path);
      for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^;]*?from\s+['"]((?:\.\.\/)+src\/[^'"]+)['"]/gm)) {
        if (!m[1]) problems.push(`${relative(UI, path)}: imports ${m[2]} as code -> import type only, or call the API`);
      }
      if (!path.endsWith(`${sep}api.ts`) && /\bfetch\s*\(/.test(text)) problems.push(`${relative(UI, path)}: fetch -> call an operation through api.ts`);
    }
    assert.ok(UI_FILES.length > 0, 'ui/src holds the UI');
    assert.deepEqual(problems, []);
  });

  test('modules stay under 400 lines unless their header says why', () => {
    const long = [...ALL, ...UI_FILES].filter((p) => readFileSync(p, 'utf8').split('\n').length > 400 && !/longer than 400 lines because/i.test(readFileSync(p, 'utf8').slice(0, 600)));
    assert.deepEqual(long.map((p) => relative(resolve(SRC, '..'), p)), []);
  });
});
