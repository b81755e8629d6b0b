/**
 * The web UI on the API's own port: the built files under dist/ui, and index.html for any other
 * path outside /api so that a view's URL can be opened directly (the UI routes in the browser).
 * The Host check of access.ts still applies; tokens do not, since these files hold no instance data.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { arcoError } from '../domain/errors/index.js';

/** Where scripts/build.mjs writes the UI: dist/ui beside the package's src/. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../dist/ui/', import.meta.url));

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

async function fileIn(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(root, decoded));
  // A path that climbs out of the UI folder (../) names no UI file, whatever it resolves to.
  if (!candidate.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  const info = await stat(candidate).catch(() => undefined);
  return info?.isFile() ? candidate : undefined;
}

async function send(reply: FastifyReply, file: string, immutable: boolean): Promise<FastifyReply> {
  const body = await readFile(file);
  // Vite names built assets by content hash, so they never change; index.html names the current ones.
  const cache = immutable ? 'public, max-age=31536000, immutable' : 'no-cache';
  return reply
    .header('content-type', CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
    .header('cache-control', cache)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

/**
 * Vite's content-hashed files (ui/vite.config.ts `assetsDir`). Not `/assets/`: that is the UI's own
 * view of the assets (`/assets/raw/orders`), which must open the page.
 */
const HASHED = '/static/';

export function registerUiFiles(app: FastifyInstance, uiDir: string = DEFAULT_UI_DIR): void {
  const root = normalize(uiDir);
  const handler = async (request: { url: string; method: string }, reply: FastifyReply): Promise<FastifyReply> => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/')) {
      return reply.status(404).send(arcoError('NOT_FOUND', `no route ${request.method} ${path}`, {}).toJSON());
    }
    const file = path === '/' ? undefined : await fileIn(root, path);
    if (file) return send(reply, file, path.startsWith(HASHED));
    // A missing hashed file is a 404, not the page: a stale page must not run HTML as a script.
    if (path.startsWith(HASHED)) {
      return reply.status(404).send(arcoError('NOT_FOUND', `no UI file ${path}`, {}).toJSON());
    }
    const index = await fileIn(root, '/index.html');
    if (!index) {
      return reply.status(404).send(arcoError('NOT_FOUND', `the web UI is not built (no ${join(root, 'index.html')}); run npm run build`, {}).toJSON());
    }
    return send(reply, index, false);
  };
  const options = { schema: { hide: true }, config: { publicFile: true } };
  app.get('/', options, handler);
  app.get('/*', options, handler);
}
