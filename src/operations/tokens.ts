/**
 * API tokens: create (the token is shown once, the store keeps its sha256), list (never a secret)
 * and revoke. Admin only over HTTP; `arco token` runs them on the store itself, so the first token
 * needs no server (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ROLES, formatApiToken, secretSha256 } from '../domain/access/index.js';
import { arcoError } from '../domain/errors/index.js';
import { systemClock } from '../runtime/index.js';
import { defineOperation, type CallerAccess } from './operation.js';

/** Bytes of a token's id and secret (hex in the token): the id is a lookup key, the secret 256 bits. */
const ID_BYTES = 8;
const SECRET_BYTES = 32;

const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    createdBy: z.string().nullable().describe('the token name that created it, or `local` for the CLI on the store'),
    revokedBy: z.string().nullable(),
  })
  .describe('ApiToken');

const tokenNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9._-]{0,63}$/, 'a name is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter')
  .refine((name) => !/^[0-9a-f]{16}$/.test(name), 'a name may not look like a token id (16 hex digits)');

export const createTokenOp = defineOperation({
  name: 'createToken',
  summary: 'Create an API token with a role; the token is in this answer only',
  group: 'tokens',
  method: 'POST',
  path: '/api/v1/tokens',
  body: z.object({ role: z.enum(ROLES), name: tokenNameSchema.optional() }).strict(),
  output: tokenSchema.extend({ token: z.string().describe('Send as "Authorization: Bearer <token>"; shown once, never stored') }),
  errors: [409],
  status: () => 201,
  // Not idempotent: an Idempotency-Key would keep the answer, and with it the secret, in the store.
  idempotent: false,
  role: 'admin',
  async handler(ctx, body) {
    const id = randomBytes(ID_BYTES).toString('hex');
    const secret = randomBytes(SECRET_BYTES).toString('hex');
    const record = { id, name: body.name ?? `${body.role}-${id.slice(0, 6)}`, role: body.role, createdAt: new Date(systemClock.now()).toISOString(), revokedAt: null, createdBy: ctx.actor ?? null, revokedBy: null };
    await ctx.store.tokens.createToken({ ...record, secretSha256: secretSha256(secret) });
    return { ...record, token: formatApiToken(id, secret) };
  },
});

export const listTokensOp = defineOperation({
  name: 'listTokens',
  summary: 'List API tokens, valid and revoked (never their secrets)',
  group: 'tokens',
  method: 'GET',
  path: '/api/v1/tokens',
  output: z.object({ tokens: z.array(tokenSchema) }),
  idempotent: true,
  role: 'admin',
  async handler(ctx) {
    return { tokens: await ctx.store.tokens.listTokens() };
  },
});

export const revokeTokenOp = defineOperation({
  name: 'revokeToken',
  summary: 'Revoke an API token by id or name; requests with it are refused from then on',
  group: 'tokens',
  method: 'POST',
  path: '/api/v1/tokens/:token/revoke',
  params: z.object({ token: z.string().min(1).max(64).describe('token id, or the name of a valid token') }),
  output: tokenSchema,
  errors: [404],
  idempotent: true,
  role: 'admin',
  async handler(ctx, { token }) {
    const revoked = await ctx.store.tokens.revokeToken(token, new Date(systemClock.now()).toISOString(), ctx.actor ?? null);
    if (!revoked) throw arcoError('UNKNOWN_TOKEN', `no API token has the id or name "${token}"; see arco token list`, { token });
    return revoked;
  },
});

/** In-process, or over HTTP while access control is off: nobody signed in, and anyone may do anything. */
const FULL_ACCESS: CallerAccess = { role: 'admin', tokenName: null, tokensRequired: false };

export const whoamiOp = defineOperation({
  name: 'whoami',
  summary: "The caller's role and token name, and whether this instance requires a token: the web UI hides what the role may not do",
  group: 'tokens',
  method: 'GET',
  path: '/api/v1/whoami',
  output: z
    .object({
      role: z.enum(ROLES).describe('admin while access control is off (every caller may do everything) and in-process'),
      tokenName: z.string().nullable(),
      tokensRequired: z.boolean(),
    })
    .describe('Caller'),
  idempotent: true,
  // Any signed-in role may ask who it is; a worker token is refused by roleAllows, and needs not ask.
  role: 'viewer',
  handler: async (ctx) => ctx.access ?? FULL_ACCESS,
});
