/**
 * Idempotency-Key for mutating requests: the same key with the same body answers the first
 * response again (with `Idempotent-Replayed: true`); the same key with another body is 422
 * IDEMPOTENCY_KEY_REUSED. Keys are scoped by method and path. A request that failed with a server
 * error releases its key so the client's retry runs for real.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import { canonicalJson, sha256Hex } from '../domain/ids/index.js';
import type { ApiContext } from './context.js';

/** How long a duplicate waits for the first request with its key to finish before answering 409. */
const PENDING_WAIT_MS = 10_000;
const PENDING_POLL_MS = 50;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface Produced {
  readonly status: number;
  readonly body: unknown;
}

export async function idempotent(api: ApiContext, request: FastifyRequest, reply: FastifyReply, produce: () => Promise<Produced>): Promise<FastifyReply> {
  const header = request.headers['idempotency-key'];
  if (header === undefined) {
    const produced = await produce();
    return reply.status(produced.status).send(produced.body);
  }
  const key = Array.isArray(header) ? header[0] ?? '' : header;
  if (!KEY_PATTERN.test(key)) throw arcoError('VALIDATION_ERROR', 'header Idempotency-Key must be 1 to 255 visible ASCII characters', { field: 'headers.idempotency-key' });
  const scope = `${request.method} ${request.url.split('?')[0]}`;
  const requestHash = sha256Hex(canonicalJson(request.body ?? null));
  const now = () => api.ctx().clock.now();
  let claim = await api.store.requestKeys.claimRequestKey(scope, key, requestHash, now());
  // Date.now, not the clock: this bounds how long this HTTP request waits in real time (a FakeClock that never moves would hang it); no decision or record depends on it.
  const deadline = Date.now() + PENDING_WAIT_MS;
  while (claim.state === 'pending' && claim.requestHash === requestHash && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, PENDING_POLL_MS));
    claim = await api.store.requestKeys.claimRequestKey(scope, key, requestHash, now());
  }
  if (claim.state !== 'claimed') {
    if (claim.requestHash !== requestHash) {
      throw arcoError('IDEMPOTENCY_KEY_REUSED', `Idempotency-Key "${key}" was already used with a different request body`, { idempotencyKey: key });
    }
    if (claim.state === 'pending') {
      throw arcoError('IDEMPOTENCY_KEY_IN_PROGRESS', `a request with Idempotency-Key "${key}" is still in progress`, { idempotencyKey: key });
    }
    return reply
      .status(claim.status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('idempotent-replayed', 'true')
      .serializer((payload: unknown) => payload as string)
      .send(claim.body);
  }
  let produced: Produced;
  try {
    produced = await produce();
  } catch (error) {
    if (isArcoError(error) && error.httpStatus < 500) {
      await api.store.requestKeys.completeRequestKey(scope, key, error.httpStatus, JSON.stringify(error.toJSON()));
    } else {
      await api.store.requestKeys.releaseRequestKey(scope, key);
    }
    throw error;
  }
  await api.store.requestKeys.completeRequestKey(scope, key, produced.status, JSON.stringify(produced.body));
  return reply.status(produced.status).send(produced.body);
}
