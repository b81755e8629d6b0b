/**
 * API tokens and roles over HTTP on a loopback server. Goal: once the store holds a valid token,
 * every request needs one (loopback included), a token's role bounds what it may do, revoking takes
 * effect at the next request, and every refusal leaves the ledger as it was. Tokens are created the
 * way `arco token create` does it: on the store, not through the server.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildServer } from '../../src/api/index.js';
import { createTokenOp, invokeOperation, revokeTokenOp, type OperationContext } from '../../src/operations/index.js';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';

const SOURCE = `import { defineAsset, defineDefinitions, defineSchedule } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
export default defineDefinitions({ assets: [raw], schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [raw] })] });
`;

describe('API tokens and roles', () => {
  let server: TestServer;
  /** What `arco token` does: the operation in this process, on the store itself. */
  let local: OperationContext;
  const tokens: Record<'viewer' | 'operator' | 'admin', string> = { viewer: '', operator: '', admin: '' };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const lastSequence = () => server.ctx.store.ledger.lastSequence();

  before(async () => {
    server = await startServer(SOURCE);
    local = { store: server.ctx.store, runtime: async () => server.ctx, actor: 'local' };
  });
  after(() => server.close());

  test('with no token in the store, loopback requests need none and runs record their requester as anonymous', async () => {
    const res = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'] });
    assert.equal(res.status, 201);
    assert.equal(res.json.run.tags['arco/requested_by'], 'anonymous');
  });

  test('once a token exists, a request without one is 401 UNAUTHENTICATED, reads and writes alike, and changes nothing', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = (await invokeOperation(local, createTokenOp, { role, name: `${role}-1` })).token;
    const before = await lastSequence();
    const write = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'] });
    assert.deepEqual([write.status, write.json.code], [401, 'UNAUTHENTICATED']);
    const read = await http(server.url, 'GET', '/api/v1/runs');
    assert.deepEqual([read.status, read.json.code], [401, 'UNAUTHENTICATED']);
    const health = await http(server.url, 'GET', '/api/v1/health');
    assert.deepEqual([health.status, health.json.code], [401, 'UNAUTHENTICATED']);
    assert.equal(await lastSequence(), before);
  });

  test('a malformed token, an unknown id and a wrong secret are each 401 and say nothing of which part was wrong', async () => {
    const [, id, secret] = tokens.admin.split('_') as [string, string, string];
    const wrongSecret = `arco_${id}_${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    const unknownId = `arco_${'0'.repeat(16)}_${secret}`;
    const before = await lastSequence();
    for (const authorization of ['Bearer nonsense', `Basic ${tokens.admin}`, `Bearer ${unknownId}`, `Bearer ${wrongSecret}`]) {
      const res = await http(server.url, 'POST', '/api/v1/schedules/nightly/start', undefined, { authorization });
      assert.deepEqual([res.status, res.json.code], [401, 'UNAUTHENTICATED'], authorization);
      assert.doesNotMatch(res.text, new RegExp(secret), 'the answer never echoes a secret');
    }
    assert.equal(await lastSequence(), before);
  });

  test('a viewer reads and queries SQL but a write is 403 FORBIDDEN naming the role needed and the token’s role', async () => {
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(tokens.viewer))).status, 200);
    assert.equal((await http(server.url, 'GET', '/api/v1/sql?q=SELECT%201', undefined, bearer(tokens.viewer))).status, 200);
    const before = await lastSequence();
    const start = await http(server.url, 'POST', '/api/v1/schedules/nightly/start', undefined, bearer(tokens.viewer));
    assert.deepEqual([start.status, start.json.code, start.json.details], [403, 'FORBIDDEN', { requiredRole: 'operator', tokenRole: 'viewer', token: 'viewer-1' }]);
    const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'] }, bearer(tokens.viewer));
    assert.deepEqual([run.status, run.json.code], [403, 'FORBIDDEN']);
    assert.equal(await lastSequence(), before);
  });

  test('an operator requests and cancels runs (recorded with the token’s name as requester) and starts schedules, but may not manage tokens', async () => {
    const run = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw'], runKey: 'by-operator' }, bearer(tokens.operator));
    assert.deepEqual([run.status, run.json.run.tags['arco/requested_by']], [201, 'operator-1']);
    const cancel = await http(server.url, 'POST', `/api/v1/runs/${run.json.run.runId}/cancel`, {}, bearer(tokens.operator));
    assert.equal(cancel.status, 200);
    assert.equal((await http(server.url, 'POST', '/api/v1/schedules/nightly/start', undefined, bearer(tokens.operator))).json.status, 'RUNNING');
    const create = await http(server.url, 'POST', '/api/v1/tokens', { role: 'admin' }, bearer(tokens.operator));
    assert.deepEqual([create.status, create.json.code, create.json.details?.requiredRole], [403, 'FORBIDDEN', 'admin']);
    const list = await http(server.url, 'GET', '/api/v1/tokens', undefined, bearer(tokens.operator));
    assert.deepEqual([list.status, list.json.code], [403, 'FORBIDDEN']);
  });

  test('an admin lists tokens without secrets and creates one over HTTP; the new token works at once', async () => {
    const list = await http(server.url, 'GET', '/api/v1/tokens', undefined, bearer(tokens.admin));
    assert.deepEqual(list.json.tokens.map((t: { name: string; role: string }) => [t.name, t.role]).sort(), [['admin-1', 'admin'], ['operator-1', 'operator'], ['viewer-1', 'viewer']]);
    for (const token of Object.values(tokens)) assert.doesNotMatch(list.text, new RegExp(token.split('_')[2] as string));
    const created = await http(server.url, 'POST', '/api/v1/tokens', { role: 'viewer', name: 'dashboard' }, bearer(tokens.admin));
    assert.equal(created.status, 201);
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(created.json.token))).status, 200);
  });

  test('a revoked token is refused at its next request; the others keep working', async () => {
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(tokens.viewer))).status, 200);
    await invokeOperation(local, revokeTokenOp, { token: 'viewer-1' });
    const refused = await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(tokens.viewer));
    assert.deepEqual([refused.status, refused.json.code], [401, 'UNAUTHENTICATED']);
    assert.match(refused.json.message, /revoked/);
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(tokens.operator))).status, 200);
  });

  test('when every token is revoked, a loopback server is open again (access control follows the store)', async () => {
    for (const name of ['operator-1', 'admin-1', 'dashboard']) await invokeOperation(local, revokeTokenOp, { token: name });
    assert.equal((await http(server.url, 'GET', '/api/v1/runs')).status, 200);
    // A token sent anyway, revoked or not even well formed, is not held against the request.
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, bearer(tokens.admin))).status, 200);
    assert.equal((await http(server.url, 'GET', '/api/v1/runs', undefined, { authorization: 'Bearer nonsense' })).status, 200);
  });
});

describe('a server bound to every interface', () => {
  test('refuses requests without a token even while the store holds none, because any host could reach it', async () => {
    const server = await startServer(TWO_ASSETS);
    const app = await buildServer({ store: server.ctx.store, ctx: () => server.ctx });
    try {
      await app.listen({ port: 0, host: '0.0.0.0' });
      const port = (app.server.address() as AddressInfo).port;
      const before = await server.ctx.store.ledger.lastSequence();
      const res = await http(`http://127.0.0.1:${port}`, 'POST', '/api/v1/runs', { selection: ['raw/events'] });
      assert.deepEqual([res.status, res.json.code], [401, 'UNAUTHENTICATED']);
      assert.equal(await server.ctx.store.ledger.lastSequence(), before);
    } finally {
      await app.close();
      await server.close();
    }
  });
});

describe('the OpenAPI document', () => {
  test('declares bearer tokens and names the role each operation needs', async () => {
    const server = await startServer(TWO_ASSETS);
    try {
      const doc = (await http(server.url, 'GET', '/api/openapi.json')).json;
      assert.deepEqual([doc.components.securitySchemes.bearer.scheme, doc.security], ['bearer', [{ bearer: [] }]]);
      assert.match(doc.paths['/api/v1/runs'].post.description, /needs the operator role/i);
      assert.match(doc.paths['/api/v1/tokens'].post.description, /needs the admin role/i);
      assert.match(doc.paths['/api/v1/sql'].get.description, /needs the viewer role/i);
    } finally {
      await server.close();
    }
  });
});
