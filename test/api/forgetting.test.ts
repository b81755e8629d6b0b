/**
 * Asset wipes and run deletions over HTTP. Goal: both need the admin role (an operator's token is
 * refused and nothing is recorded), an admin's wipe leaves the asset never materialized, and a
 * deleted run answers 404 everywhere a run is read, logs included. Method: a server with a daemon
 * over a real project; tokens created on the store, as `arco token create` does.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenOp, invokeOperation } from '../../src/operations/index.js';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';
import { waitForRun } from '../helpers/project.js';

describe('asset wipe and run delete over HTTP', () => {
  let server: TestServer;
  const tokens = { operator: '', admin: '' };
  const as = (role: 'operator' | 'admin') => ({ authorization: `Bearer ${tokens[role]}` });
  let runId = '';

  before(async () => {
    server = await startServer(TWO_ASSETS, { daemon: true });
    const local = { store: server.ctx.store, runtime: async () => server.ctx, actor: 'local' };
    for (const role of ['operator', 'admin'] as const) tokens[role] = (await invokeOperation(local, createTokenOp, { role, name: `${role}-1` })).token;
    const requested = await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'] }, as('operator'));
    runId = requested.json.run.runId;
    assert.equal((await waitForRun(server.ctx.store, runId)).status, 'SUCCESS');
  });
  after(() => server.close());

  test('an operator may neither wipe an asset nor delete a run: 403 FORBIDDEN naming the admin role, nothing recorded', async () => {
    const before = await server.ctx.store.ledger.lastSequence();
    const wipe = await http(server.url, 'POST', '/api/v1/assets/wipe', { selection: 'raw/events' }, as('operator'));
    assert.deepEqual([wipe.status, wipe.json.code, wipe.json.details?.requiredRole], [403, 'FORBIDDEN', 'admin']);
    const remove = await http(server.url, 'DELETE', `/api/v1/runs/${runId}`, undefined, as('operator'));
    assert.deepEqual([remove.status, remove.json.code, remove.json.details?.requiredRole], [403, 'FORBIDDEN', 'admin']);
    assert.equal(await server.ctx.store.ledger.lastSequence(), before);
  });

  test('an admin wipes an asset: it reads as never materialized, and the wipe records who asked', async () => {
    const wipe = await http(server.url, 'POST', '/api/v1/assets/wipe', { selection: 'raw/events' }, as('admin'));
    assert.deepEqual([wipe.status, wipe.json.dryRun, wipe.json.assets], [200, false, [{ assetKey: 'raw/events', partitionKeys: null, partitionWindows: [] }]]);
    const asset = await http(server.url, 'GET', '/api/v1/assets/raw/events', undefined, as('admin'));
    assert.deepEqual([asset.json.latestMaterialization, asset.json.materializations, asset.json.partitions], [null, [], []]);
    const [wiped] = await server.ctx.store.assets.listAssetWipes({ assetKey: 'raw/events', limit: 1 });
    assert.equal(wiped?.requestedBy, 'admin-1');
  });

  test('an unknown asset is 400 UNKNOWN_ASSET and a partition of an unpartitioned asset 400 PARTITION_NOT_APPLICABLE; neither records anything', async () => {
    const before = await server.ctx.store.ledger.lastSequence();
    const unknown = await http(server.url, 'POST', '/api/v1/assets/wipe', { selection: 'raw/nothing' }, as('admin'));
    assert.deepEqual([unknown.status, unknown.json.code], [400, 'UNKNOWN_ASSET']);
    const partition = await http(server.url, 'POST', '/api/v1/assets/wipe', { selection: 'raw/events', partition: '2024-01-01' }, as('admin'));
    assert.deepEqual([partition.status, partition.json.code], [400, 'PARTITION_NOT_APPLICABLE']);
    assert.equal(await server.ctx.store.ledger.lastSequence(), before);
  });

  test('an admin deletes a finished run: it is 404 RUN_NOT_FOUND for the run, its tasks and its logs, and gone from the run list', async () => {
    const removed = await http(server.url, 'DELETE', `/api/v1/runs/${runId}`, undefined, as('admin'));
    assert.deepEqual([removed.status, removed.json.runId], [200, runId]);
    for (const path of [`/api/v1/runs/${runId}`, `/api/v1/runs/${runId}/tasks`, `/api/v1/runs/${runId}/logs`, `/api/v1/runs/${runId}/logs?follow=true`]) {
      const res = await http(server.url, 'GET', path, undefined, as('admin'));
      assert.deepEqual([res.status, res.json?.code], [404, 'RUN_NOT_FOUND'], path);
    }
    const list = await http(server.url, 'GET', '/api/v1/runs', undefined, as('admin'));
    assert.ok(!list.json.runs.some((r: { runId: string }) => r.runId === runId));
    const again = await http(server.url, 'DELETE', `/api/v1/runs/${runId}`, undefined, as('admin'));
    assert.deepEqual([again.status, again.json.code], [404, 'RUN_NOT_FOUND']);
  });

});
