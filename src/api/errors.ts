/**
 * Every error leaves the server as `{ code, message, details? }` with a catalogued code. Schema
 * validation errors are VALIDATION_ERROR naming the field; unknown routes are NOT_FOUND; fastify's
 * own refusals (body size, content type, malformed JSON) have their codes in limits.ts; anything
 * unexpected is INTERNAL_ERROR, logged with its stack but never sent one.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ArcoError, arcoError, isArcoError } from '../domain/errors/index.js';
import { frameworkError } from './limits.js';

/** The body of every error answer. */
export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() })
  .describe('Error');

export function toArcoError(error: unknown): ArcoError {
  if (isArcoError(error)) return error;
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fastifyError)) {
    const where = fastifyError.validationContext ?? 'body';
    const issues = fastifyError.validation.map((v) => ({
      field: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    const first = issues[0];
    return arcoError('VALIDATION_ERROR', first ? `${first.field}: ${first.message}` : 'invalid request', { issues });
  }
  const framework = fastifyError instanceof Error ? frameworkError(fastifyError) : undefined;
  if (framework) return framework;
  if (fastifyError?.statusCode === 400) return arcoError('MALFORMED_REQUEST', fastifyError.message, {});
  return arcoError('INTERNAL_ERROR', 'internal error', {});
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const arco = toArcoError(error);
    // Answers the server could not give are the operator's concern; refusals of a bad request are the caller's.
    if (arco.code === 'INTERNAL_ERROR') request.log.error({ err: error, method: request.method, url: request.url }, `${request.method} ${request.url} failed: unhandled error`);
    else if (arco.httpStatus >= 500) request.log.warn({ code: arco.code, method: request.method, url: request.url }, `${request.method} ${request.url} answered ${arco.httpStatus} ${arco.code}: ${arco.message}`);
    void reply.status(arco.httpStatus).send(arco.toJSON());
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const arco = arcoError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, {});
    void reply.status(404).send(arco.toJSON());
  });
}
