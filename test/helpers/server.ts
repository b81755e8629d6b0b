/** A real API server on an ephemeral port, over a temporary project and store. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createContext, type RuntimeContext } from '../../src/runtime/context.js';
import { Daemon } from '../../src/runtime/daemon.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { openSqliteStore } from '../../src/store/index.js';
import { tempProject } from './project.js';

export interface TestServer {
  readonly url: string;
  readonly ctx: RuntimeContext;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export async function startServer(definitionsSource: string, options: { daemon?: boolean; uiDir?: string } = {}): Promise<TestServer> {
  const project = tempProject(definitionsSource);
  const store = openSqliteStore({ path: join(project.dir, 'arco.db') });
  const ctx = createContext(store, systemClock, await loadDefinitions(project.file));
  const daemon = options.daemon ? new Daemon(ctx, { tickMs: 50 }) : undefined;
  const app = await buildServer({ store, ctx: () => ctx, onRunRequested: () => daemon?.wake() }, { uiDir: options.uiDir });
  daemon?.start();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    ctx,
    app,
    async close() {
      await app.close();
      await daemon?.stop();
      await store.close();
      project.remove();
    },
  };
}

export async function http(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url + path, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

export const TWO_ASSETS = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw/events', compute: async (ctx) => { ctx.log.info('hi'); return { metadata: { rows: 3 } }; } });
const clean = defineAsset({ key: 'clean/events', deps: [raw], tags: { team: 'data' }, compute: async () => ({}) });
export default defineDefinitions({ assets: [raw, clean] });
`;
