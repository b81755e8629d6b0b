/**
 * The HTTP API: fastify with one route per catalogue operation under /api/v1, and an OpenAPI 3.1
 * document at /api/openapi.json generated from the operations' schemas. Every request passes the
 * limits (limits.ts) and access control (access.ts) before a route reads its body. The web UI's
 * built files are served on the same port (ui-files.ts).
 */
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ApiContext } from './context.js';
import type { ArcoError } from '../domain/errors/index.js';
import { installAccessControl } from './access.js';
import { installErrorHandlers } from './errors.js';
import { installEtags } from './etags.js';
import { SERVER_LIMIT_OPTIONS, installLimits, onClientError, onFrameworkError } from './limits.js';
import { OPERATIONS, instanceHealth } from '../operations/index.js';
import { registerOperation } from './operation-routes.js';
import { InstanceMetrics } from '../runtime/index.js';
import { registerUiFiles } from './ui-files.js';

export interface ServerOptions {
  /** pino logger options, or false for silence (tests). @default false */
  readonly logger?: boolean | { level: string };
  /**
   * The instance's logger, for API errors (5xx) and, at info level, each request; wins over `logger`.
   * `arco dev` passes one at warn level or above, since the ledger follower logs what requests changed.
   */
  readonly loggerInstance?: FastifyBaseLogger;
  /** `Host` names accepted besides the bound address (e.g. a name a reverse proxy forwards), `name` or `name:port`. */
  readonly allowedHosts?: readonly string[];
  /**
   * Asked before each write is admitted: a STORE_UNAVAILABLE answer (e.g. the store file was
   * deleted under the server) refuses the write with 503 instead of acknowledging what cannot last.
   */
  readonly storeCheck?: () => ArcoError | undefined;
  /** The built web UI served at `/`. @default dist/ui of this package */
  readonly uiDir?: string;
}

export async function buildServer(api: ApiContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  // forceCloseConnections: a client holding a keep-alive connection must not keep a stopping server open.
  const logging = options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false };
  const app = Fastify({ ...logging, forceCloseConnections: true, ...SERVER_LIMIT_OPTIONS, frameworkErrors: onFrameworkError, clientErrorHandler: onClientError });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app);
  installLimits(app);
  installAccessControl(app, api.store, { allowedHosts: options.allowedHosts });
  installEtags(app);
  const storeCheck = options.storeCheck;
  if (storeCheck) {
    app.addHook('onRequest', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD') return;
      const problem = storeCheck();
      if (problem) return reply.status(problem.httpStatus).send(problem.toJSON());
    });
  }
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Arco Flow API', version: '1', description: 'Runs, assets and the event ledger of an Arco Flow instance.' },
      // Needed once the store holds an API token (docs/security.md); each operation's description names its role.
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'arco_<id>_<secret>, from arco token create' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  for (const op of OPERATIONS) registerOperation(app, api, op);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // What this instance serves, so the CLI can tell whether it is the project it was asked about.
  app.get('/api/v1/health', { schema: { hide: true } }, async () => ({
    ok: true,
    definitionsFile: api.ctx().definitions.file,
    store: api.storeTarget ?? null,
  }));
  // Liveness for load balancers and alerts: 200 while a daemon leads and its coordinator runs, else
  // 503 with the problems. Not JSON of the catalogue (no OpenAPI body): a probe reads the status.
  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    const health = await instanceHealth({ store: api.store, runtime: async () => api.ctx() }, api.ctx().clock.now());
    return reply.code(health.healthy ? 200 : 503).send(health);
  });
  const metrics = api.metrics ?? new InstanceMetrics();
  // Prometheus text, not JSON, so not a catalogue operation; it needs the viewer role like any read.
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const ctx = api.ctx();
    const text = await metrics.scrape({ store: api.store, nowEpochMs: ctx.clock.now(), workers: api.workers, poolGranularity: ctx.definitions.definitions.instance.pools.granularity });
    return reply.type(metrics.registry.contentType).send(text);
  });
  registerUiFiles(app, options.uiDir);
  await app.ready();
  return app;
}
