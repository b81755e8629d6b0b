/**
 * A bounded, seeded fuzz of the HTTP API: every route the OpenAPI document lists is called with
 * malformed path parameters, query strings and bodies (wrong types, nulls, deep nesting, huge
 * strings and numbers, unknown fields, odd unicode). Whatever arrives, the answer is never a 5xx,
 * every refusal has the `{ code, message }` shape, and a refused request changes nothing (the ledger
 * does not move). Method: fastify's inject on a real server over a SQLite store; the seed is printed
 * in a failure so it replays exactly.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import { seededRng, type Rng } from '../../src/domain/ids/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createContext } from '../../src/runtime/context.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dailyPartitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw/events', compute: async () => ({}) });
const daily = defineAsset({ key: 'daily', deps: [raw], partitions: dailyPartitions({ start: '2026-01-01' }), compute: async () => ({}) });
const nightly = defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [raw] });
const watch = defineSensor({ name: 'watch', target: [raw], evaluate: async () => ({ skipReason: 'nothing' }) });
export default defineDefinitions({ assets: [raw, daily], schedules: [nightly], sensors: [watch] });
`;

// ARCO_FUZZ_SEED=N tries another seed; CI runs this one.
const SEED = Number(process.env.ARCO_FUZZ_SEED ?? 20261206);
const CASES_PER_ROUTE = 40;

interface Route {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly queryParams: readonly string[];
  readonly hasBody: boolean;
}

interface OpenApiOperation {
  readonly parameters?: readonly { readonly name: string; readonly in: string }[];
  readonly requestBody?: unknown;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextUint32() % items.length] as T;
}

const STRINGS = [
  '',
  ' ',
  'raw/events',
  'daily',
  'nightly',
  'run_01J00000000000000000000000',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e\u0301💥',
  "'; DROP TABLE ledger; --",
  '*',
  'key:*',
  'group:',
  '2026-01-01...2025-01-01',
  'status:MISSING',
  'x'.repeat(300),
  'a'.repeat(20_000),
  '{"a":1}',
  'true',
  '-1',
  '1e309',
  'NaN',
];

function randomString(rng: Rng): string {
  if (rng.nextUint32() % 3 > 0) return pick(rng, STRINGS);
  const length = rng.nextUint32() % 40;
  let out = '';
  for (let i = 0; i < length; i += 1) out += String.fromCodePoint(32 + (rng.nextUint32() % 0x2fff));
  return out;
}

function deep(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

function randomJson(rng: Rng, depth = 0): unknown {
  switch (rng.nextUint32() % (depth > 2 ? 8 : 11)) {
    case 0: return null;
    case 1: return rng.nextUint32() % 2 === 0;
    case 2: return pick(rng, [0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, 42]);
    case 3:
    case 4: return randomString(rng);
    case 5: return [];
    case 6: return {};
    case 7: return deep(pick(rng, [3, 40, 300]));
    case 8: return Array.from({ length: rng.nextUint32() % 5 }, () => randomJson(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const keys = ['selection', 'partition', 'runKey', 'tags', 'config', 'mode', 'cursor', 'role', 'name', 'reason', 'metadata', 'dataVersion', 'limit', '__proto__', 'constructor', randomString(rng)];
      for (let i = rng.nextUint32() % 5; i > 0; i -= 1) out[pick(rng, keys)] = randomJson(rng, depth + 1);
      return out;
    }
  }
}

function randomBody(rng: Rng): { payload: string | undefined; contentType: string | undefined } {
  switch (rng.nextUint32() % 6) {
    case 0: return { payload: undefined, contentType: undefined };
    case 1: return { payload: '{"unterminated": ', contentType: 'application/json' };
    case 2: return { payload: randomString(rng), contentType: pick(rng, ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) };
    default: return { payload: JSON.stringify(randomJson(rng)), contentType: 'application/json' };
  }
}

function routesOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }): Route[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      hasBody: operation.requestBody !== undefined,
    })),
  );
}

function urlOf(rng: Rng, route: Route): string {
  let path = route.path;
  for (const name of route.pathParams) path = path.replace(`{${name}}`, encodeURIComponent(randomString(rng)));
  const query = new URLSearchParams();
  for (const name of route.queryParams) {
    // follow=true on a real run would stream until it ends: the fuzz asks for pages only.
    if (name === 'follow') continue;
    if (rng.nextUint32() % 2 === 0) query.set(name, randomString(rng));
  }
  if (rng.nextUint32() % 4 === 0) query.set(randomString(rng) || 'unknown', randomString(rng));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

describe('API fuzz over every OpenAPI route', () => {
  const project = tempProject(SOURCE);
  let store: Store;
  let app: FastifyInstance;
  let routes: Route[];
  before(async () => {
    store = openSqliteStore({ path: join(project.dir, 'arco.db') });
    const ctx = createContext(store, systemClock, await loadDefinitions(project.file));
    app = await buildServer({ store, ctx: () => ctx });
    routes = routesOf((await app.inject({ method: 'GET', url: '/api/openapi.json' })).json());
  });
  after(async () => {
    await app.close();
    await store.close();
    project.remove();
  });

  test('40 malformed requests per route: no 5xx, refusals in the error shape, and a refusal changes nothing', async () => {
    assert.ok(routes.length >= 30, `the document lists the catalogue's routes (${routes.length})`);
    const rng = seededRng(SEED);
    const failures: string[] = [];
    let refused = 0;
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i += 1) {
        const url = urlOf(rng, route);
        const body = route.hasBody || route.method !== 'GET' ? randomBody(rng) : { payload: undefined, contentType: undefined };
        const before = await store.ledger.lastSequence();
        const response = await app.inject({
          method: route.method as 'GET',
          url,
          payload: body.payload,
          headers: body.contentType ? { 'content-type': body.contentType } : {},
        });
        const where = `${route.method} ${url.slice(0, 120)} body ${(body.payload ?? '').slice(0, 120)} (seed ${SEED}, case ${i})`;
        if (response.statusCode >= 500) failures.push(`${response.statusCode} for ${where}: ${response.body.slice(0, 200)}`);
        if (response.statusCode >= 400) {
          refused += 1;
          const answer = response.json() as { code?: unknown; message?: unknown };
          if (typeof answer.code !== 'string' || typeof answer.message !== 'string') failures.push(`no error shape for ${where}: ${response.body.slice(0, 200)}`);
          if ((await store.ledger.lastSequence()) !== before) failures.push(`refused ${response.statusCode} but the ledger moved for ${where}`);
        }
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(refused > routes.length * CASES_PER_ROUTE * 0.5, `most malformed requests are refused (${refused})`);
  });
});
