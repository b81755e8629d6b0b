/**
 * The HTTP server's own limits, each refused in the `{ code, message, details }` shape before any
 * operation runs, so a refused request changes nothing: URL length (414), header bytes (431), body
 * bytes (413), body content type (415), JSON nesting depth (400) and malformed requests (400).
 */
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { arcoError, type ArcoError } from '../domain/errors/index.js';

/**
 * URL bytes: the documented 20,000-character SQL (`GET /api/v1/sql?q=`) percent-encoded at three
 * bytes a character is 60,000, with room for the rest of the query.
 */
export const URL_BYTES_MAX = 65_536;
/** Header bytes including the request line: a URL at its limit plus ordinary headers. */
export const HEADER_BYTES_MAX = 98_304;
/** A path parameter (run id, asset key, sensor name): far above any real one, far below the URL. */
export const PARAM_LENGTH_MAX = 2_048;
/** Body bytes: run configs, pushed sensor payloads and backfill selectors are small documents. */
export const BODY_BYTES_MAX = 1_048_576;
/**
 * Nesting of a JSON body. Real configs nest a handful of levels; a deeper document only serves to
 * exhaust the stack of whatever walks it (a 2,000-deep config was a 500).
 */
export const JSON_DEPTH_MAX = 64;

/** Fastify's own options that carry these limits. */
export const SERVER_LIMIT_OPTIONS = {
  bodyLimit: BODY_BYTES_MAX,
  routerOptions: { maxParamLength: PARAM_LENGTH_MAX },
  http: { maxHeaderSize: HEADER_BYTES_MAX },
} as const;

/** The depth of a parsed JSON value, walked without recursion; stops as soon as it passes `max`. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: unknown; depth: number };
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/** Fastify's errors (routing, body parsing) as catalogued errors; undefined for any other. */
export function frameworkError(error: FastifyError): ArcoError | undefined {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return arcoError('MALFORMED_REQUEST', 'the URL cannot be decoded (malformed percent-encoding)', {});
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return arcoError('URI_TOO_LONG', `a path parameter is longer than ${PARAM_LENGTH_MAX} characters`, { limit: PARAM_LENGTH_MAX });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return arcoError('PAYLOAD_TOO_LARGE', `the request body is larger than ${BODY_BYTES_MAX} bytes`, { limit: BODY_BYTES_MAX });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return error.statusCode === 415
        ? arcoError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be JSON: send "Content-Type: application/json"', { contentType: null })
        : arcoError('MALFORMED_REQUEST', error.message, {});
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return arcoError('VALIDATION_ERROR', 'the body is empty although Content-Type is application/json; send a JSON document or no Content-Type', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return arcoError('VALIDATION_ERROR', `the body is not valid JSON: ${error.message}`, { field: 'body' });
    default:
      if (error instanceof SyntaxError) return arcoError('VALIDATION_ERROR', `the body is not valid JSON: ${error.message}`, { field: 'body' });
      if (error.statusCode === 413) return arcoError('PAYLOAD_TOO_LARGE', `the request body is larger than ${BODY_BYTES_MAX} bytes`, { limit: BODY_BYTES_MAX });
      if (error.statusCode === 415) return arcoError('UNSUPPORTED_MEDIA_TYPE', 'request bodies must be JSON: send "Content-Type: application/json"', {});
      return undefined;
  }
}

/** Answers a request fastify refused before routing it (bad URL, over-long parameter). */
export function onFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const arco = frameworkError(error) ?? arcoError('MALFORMED_REQUEST', error.message, {});
  void reply.status(arco.httpStatus).send(arco.toJSON());
}

/** Requests node's HTTP parser refused (header overflow, timeout, garbage): answered on the socket. */
export function onClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const arco =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? arcoError('HEADERS_TOO_LARGE', `the request line and headers exceed ${HEADER_BYTES_MAX} bytes`, { limit: HEADER_BYTES_MAX })
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? arcoError('REQUEST_TIMEOUT', 'the request was not received in time', {})
        : arcoError('MALFORMED_REQUEST', 'the request is not valid HTTP/1.1', {});
  const body = JSON.stringify(arco.toJSON());
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${arco.httpStatus} ${arco.code}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * The JSON body parser: fastify's own (which refuses `__proto__` and `constructor.prototype`), then
 * the nesting depth. The URL's length is checked here too, first of all hooks' work.
 */
export function installLimits(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  // JSON only: fastify would also hand a text/plain body to a route, which then fails its schema
  // with a misleading message instead of 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_BYTES_MAX }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      if (jsonDepthExceeds(value, JSON_DEPTH_MAX)) {
        return done(arcoError('VALIDATION_ERROR', `the body nests deeper than ${JSON_DEPTH_MAX} levels`, { field: 'body', limit: JSON_DEPTH_MAX }), undefined);
      }
      done(null, value);
    });
  });
  app.addHook('onRequest', async (request) => {
    const length = Buffer.byteLength(request.raw.url ?? '');
    if (length > URL_BYTES_MAX) throw arcoError('URI_TOO_LONG', `the URL is ${length} bytes, more than ${URL_BYTES_MAX}; send long SQL in fewer characters`, { limit: URL_BYTES_MAX, length });
  });
}
