/**
 * Conditional GETs for pollers (the web UI polls runs, logs and status every few seconds): each
 * successful JSON read carries a validator (`ETag`, a hash of the body) and `Cache-Control:
 * no-cache`, so a browser revalidates on every poll and a body that has not changed comes back as
 * an empty 304 instead of being sent and parsed again. Streams (hijacked replies) are untouched.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Bodies larger than this are sent without a validator: hashing them costs more than resending. */
const ETAG_MAX_BYTES = 8 * 1024 * 1024;

/** A weak validator: the same JSON means the same resource state, not byte-identical encodings. */
export function etagOf(body: string | Buffer): string {
  return `W/"${createHash('sha1').update(body).digest('base64url')}"`;
}

/** True when the request's `If-None-Match` names `etag` (or `*`). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const weak = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = weak(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || weak(tag) === wanted);
}

export function installEtags(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || reply.statusCode !== 200) return payload;
    if (!request.url.startsWith('/api/v1/')) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (payload.length > ETAG_MAX_BYTES) return payload;
    const etag = etagOf(payload);
    void reply.header('etag', etag).header('cache-control', 'no-cache');
    if (!matchesIfNoneMatch(request.headers['if-none-match'], etag)) return payload;
    void reply.code(304);
    return '';
  });
}
