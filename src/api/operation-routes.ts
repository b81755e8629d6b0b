/**
 * Routes from the operation catalogue: one route per operation, with its zod schemas for
 * validation and OpenAPI, `Idempotency-Key` for idempotent POSTs, and an NDJSON stream for the
 * inputs an operation streams (`follow=true`). No route is written out by hand.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { bodyIsOptional, successStatus, type AnyOperation, type OperationContext } from '../operations/index.js';
import type { ApiContext } from './context.js';
import { errorSchema } from './errors.js';
import { idempotent, type Produced } from './idempotency.js';
import { actingAs } from '../runtime/index.js';

function operationContext(api: ApiContext, request: FastifyRequest): OperationContext {
  const actor = request.actor;
  return { store: api.store, runtime: async () => actingAs(await api.ctx(), actor), onRunRequested: api.onRunRequested, actor, storeTarget: api.storeTarget, ...(request.access ? { access: request.access } : {}) };
}

function hasFields(schema: z.ZodObject<z.ZodRawShape>): boolean {
  return Object.keys(schema.shape).length > 0;
}

function responses(op: AnyOperation): Record<number, z.ZodType> {
  const out: Record<number, z.ZodType> = { 200: op.output, 400: errorSchema };
  if (op.status) out[201] = op.output;
  for (const status of op.errors ?? []) out[status] = errorSchema;
  return out;
}

export function registerOperation(app: FastifyInstance, api: ApiContext, op: AnyOperation): void {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: op.method,
    url: op.path,
    config: { role: op.role },
    schema: {
      operationId: op.name,
      tags: [op.group],
      summary: op.summary,
      description: `Needs the ${op.role} role once the store holds API tokens.`,
      ...(hasFields(op.params) ? { params: op.params } : {}),
      ...(hasFields(op.query) ? { querystring: op.query } : {}),
      ...(op.hasBody ? { body: bodyIsOptional(op) ? op.body.nullish() : op.body } : {}),
      response: responses(op),
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const ctx = operationContext(api, request);
      // Only the parts the operation declares, and so validated: a body sent to a bodiless route
      // (or a query to a route without one) must not slip fields into the input, least of all
      // over a path parameter. The path is spread last so it always names the subject.
      const input = {
        ...(op.hasBody ? ((request.body as Record<string, unknown> | null | undefined) ?? {}) : {}),
        ...(hasFields(op.query) ? (request.query as Record<string, unknown>) : {}),
        ...(hasFields(op.params) ? (request.params as Record<string, unknown>) : {}),
      };
      if (op.stream?.when(input)) return stream(ctx, op, input, request, reply);
      const produce = async (): Promise<Produced> => {
        const output = await op.handler(ctx, input);
        return { status: successStatus(op, output), body: output };
      };
      if (op.idempotent && op.method === 'POST') return idempotent(api, request, reply, produce);
      const produced = await produce();
      return reply.status(produced.status).send(produced.body);
    },
  });
}

/**
 * Streams NDJSON lines. The reply is taken over only at the first line, so an error before it (an
 * unknown run) is still answered as a normal JSON error.
 */
async function stream(ctx: OperationContext, op: AnyOperation, input: Record<string, unknown>, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let started = false;
  let closed = false;
  request.raw.on('close', () => (closed = true));
  const begin = () => {
    if (started) return;
    started = true;
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson' });
    reply.raw.flushHeaders();
  };
  try {
    await op.stream?.write(ctx, input, (value) => {
      begin();
      reply.raw.write(`${JSON.stringify(value)}\n`);
    }, () => closed, begin);
  } catch (error) {
    if (!started) throw error;
    request.log.error({ err: error }, 'stream failed');
  }
  begin();
  reply.raw.end();
  return reply;
}
