/**
 * The UI's API client. Its types come from the operation catalogue (type-only imports: no server
 * code reaches the browser), and its routes from the same catalogue, written into this script when
 * it is built (scripts/build.mjs), so the first call waits for no read of the OpenAPI document. Only
 * a script served by Vite's dev server, which is built without them, reads the routes from the
 * server's OpenAPI document. An operation is called by its catalogue name; no route is written here.
 */
import type { Catalogue, OperationName } from '../../src/operations/catalogue.js';
import type { InputOf, OutputOf } from '../../src/operations/operation.js';
import type { OperationRoute } from '../../src/operations/ui-routes.js';

/** Replaced by the catalogue's routes when scripts/build.mjs builds the UI; absent under `npx vite ui`. */
declare const __ARCO_ROUTES__: Record<string, OperationRoute> | undefined;

export type { OperationName };
export type Input<N extends OperationName> = InputOf<Catalogue[N]>;
export type Output<N extends OperationName> = OutputOf<Catalogue[N]>;

/** An error answer of the API: `{ code, message, details? }` (src/api/errors.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'arco.token';

export function savedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token === null) localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token);
}

type Route = OperationRoute;

interface OpenApiDocument {
  paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; in: string }[] }>>;
}

let routes: Promise<Map<string, Route>> | undefined;

async function send(method: string, url: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = savedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const e = (json ?? {}) as { code?: string; message?: string; details?: Record<string, unknown> };
    throw new ApiError(response.status, e.code ?? 'HTTP_ERROR', e.message ?? `${method} ${url}: HTTP ${response.status}`, e.details);
  }
  return json;
}

const BUILT_ROUTES: ReadonlyMap<string, Route> | undefined = typeof __ARCO_ROUTES__ === 'undefined' ? undefined : new Map(Object.entries(__ARCO_ROUTES__));

function loadRoutes(): Promise<ReadonlyMap<string, Route>> {
  if (BUILT_ROUTES) return Promise.resolve(BUILT_ROUTES);
  routes ??= (send('GET', '/api/openapi.json') as Promise<OpenApiDocument>).then((doc) => {
    const map = new Map<string, Route>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.operationId) continue;
        const params = op.parameters ?? [];
        map.set(op.operationId, {
          method: method.toUpperCase(),
          path,
          pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        });
      }
    }
    return map;
  });
  // A refused read (401 before login) must not be remembered: the next call tries again.
  routes.catch(() => (routes = undefined));
  return routes;
}

/** The URL and method of a call: path params filled in, the rest of a GET's fields as its query. */
async function locate(name: OperationName, input: Record<string, unknown>): Promise<{ method: string; url: string; body: Record<string, unknown> | undefined }> {
  const route = (await loadRoutes()).get(name);
  if (!route) throw new ApiError(0, 'UNKNOWN_OPERATION', `the server offers no operation ${name}`);
  const fields = { ...(input as Record<string, unknown>) };
  let path = route.path;
  for (const param of route.pathParams) {
    const value = String(fields[param] ?? '');
    delete fields[param];
    // The wildcard keeps its slashes (an asset key raw/orders); a :param is one encoded segment.
    const encoded = param === '*' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
    path = path.replace(`{${param}}`, encoded);
  }
  const query = new URLSearchParams();
  for (const param of route.queryParams) {
    const value = fields[param];
    delete fields[param];
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(param, String(v));
  }
  const url = query.size > 0 ? `${path}?${query}` : path;
  return { method: route.method, url, body: route.method === 'POST' ? fields : undefined };
}

/** Calls an operation by its catalogue name with its wire input (path, query and body fields together). */
export async function call<N extends OperationName>(name: N, input: Input<N>): Promise<Output<N>> {
  const { method, url, body } = await locate(name, input as Record<string, unknown>);
  return (await send(method, url, body)) as Output<N>;
}

/**
 * Follows an operation's NDJSON stream (`follow: 'true'`, e.g. listRunLogs): `onLines` gets the
 * lines of each chunk as they arrive; resolves when the server ends the stream, rejects on an
 * error answer or a broken connection. `signal` stops it.
 */
export async function follow<T>(name: OperationName, input: Record<string, unknown>, onLines: (lines: T[]) => void, signal: AbortSignal): Promise<void> {
  const { method, url } = await locate(name, { ...input, follow: 'true' });
  const headers: Record<string, string> = { accept: 'application/x-ndjson' };
  const token = savedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, signal });
  if (!response.ok || !response.body) {
    const e = ((await response.json().catch(() => null)) ?? {}) as { code?: string; message?: string };
    throw new ApiError(response.status, e.code ?? 'HTTP_ERROR', e.message ?? `${method} ${url}: HTTP ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const parts = (rest + value).split('\n');
    rest = parts.pop() ?? '';
    const lines = parts.filter((p) => p.trim() !== '').map((p) => JSON.parse(p) as T);
    if (lines.length > 0) onLines(lines);
  }
}
