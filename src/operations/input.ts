/**
 * Input handling shared by both transports: a caller's flat input is split into the parts HTTP
 * carries it in (path params, query, body) by the keys each part's schema declares, and each part
 * is parsed with that schema. A bad part is VALIDATION_ERROR naming the field as the HTTP API names
 * it (`body.selection`, `querystring.limit`), whichever transport was used.
 */
import type { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import type { AnyOperation, InputOf } from './operation.js';

export interface InputParts {
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  readonly body: Record<string, unknown>;
}

type Where = 'params' | 'querystring' | 'body';

/** Splits a flat input by the keys of each part; keys no part declares go to the body (and fail there). */
export function splitInput<Op extends AnyOperation>(op: Op, input: InputOf<Op>): InputParts {
  const params: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key in op.params.shape) params[key] = value;
    else if (key in op.query.shape) query[key] = value;
    else body[key] = value;
  }
  return { params, query, body };
}

/** Parses one part, or throws VALIDATION_ERROR with every issue (field paths as the API names them). */
export function parsePart<S extends z.ZodType>(schema: S, value: unknown, where: Where): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  throw arcoError('VALIDATION_ERROR', first ? `${first.field}: ${first.message}` : `invalid ${where}`, { issues });
}

/** The handler's input: every part parsed, then merged. */
export function parseInput(op: AnyOperation, parts: InputParts): Record<string, unknown> {
  return {
    ...parsePart(op.params, parts.params, 'params'),
    ...parsePart(op.query, parts.query, 'querystring'),
    ...parsePart(op.body, parts.body, 'body'),
  };
}
