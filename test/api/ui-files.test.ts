/**
 * The web UI on the API's port: GET / and the built files, index.html for a view's URL, and the
 * API's own answers and checks unchanged beside them. A temp folder stands in for dist/ui.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTokenOp, invokeOperation } from '../../src/operations/index.js';
import { raw } from '../helpers/raw-http.js';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';

const INDEX = '<!doctype html><title>Arco Flow</title><script type="module" src="/static/app-1a2b.js"></script>';

describe('web UI files served by the API server', () => {
  let server: TestServer;
  let parent: string;
  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'arco-ui-'));
    const uiDir = join(parent, 'ui');
    mkdirSync(join(uiDir, 'static'), { recursive: true });
    writeFileSync(join(uiDir, 'index.html'), INDEX);
    writeFileSync(join(uiDir, 'static', 'app-1a2b.js'), 'console.log("ui")');
    writeFileSync(join(uiDir, 'static', 'app-1a2b.css'), 'body{}');
    writeFileSync(join(parent, 'secret.txt'), 'outside the UI folder');
    server = await startServer(TWO_ASSETS, { uiDir });
  });
  after(async () => {
    await server.close();
    rmSync(parent, { recursive: true, force: true });
  });

  test('GET / serves the built UI page as HTML that the browser revalidates', async () => {
    const res = await http(server.url, 'GET', '/');
    assert.equal(res.status, 200);
    assert.equal(res.text, INDEX);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
  });

  test('a hashed file under /static is served with its content type and cached as immutable', async () => {
    const js = await http(server.url, 'GET', '/static/app-1a2b.js');
    assert.deepEqual([js.status, js.headers.get('content-type'), js.text], [200, 'text/javascript; charset=utf-8', 'console.log("ui")']);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    const css = await http(server.url, 'GET', '/static/app-1a2b.css');
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  });

  test('a view URL outside /api that names no file serves the UI page, so a copied link opens the view', async () => {
    const res = await http(server.url, 'GET', '/runs/01HZZZ?tab=logs');
    assert.deepEqual([res.status, res.text], [200, INDEX]);
    // An asset's page has the asset key in its path, slashes and all.
    const asset = await http(server.url, 'GET', '/assets/raw/orders');
    assert.deepEqual([asset.status, asset.text], [200, INDEX]);
  });

  test('a missing file under /static is a 404, not the UI page run as a script', async () => {
    const res = await http(server.url, 'GET', '/static/app-old.js');
    assert.deepEqual([res.status, res.json?.code], [404, 'NOT_FOUND']);
  });

  test('an unknown /api path is still a JSON 404 NOT_FOUND, never the UI page', async () => {
    const res = await http(server.url, 'GET', '/api/v1/no-such-thing');
    assert.deepEqual([res.status, res.json?.code], [404, 'NOT_FOUND']);
    const runs = await http(server.url, 'GET', '/api/v1/runs');
    assert.equal(runs.status, 200);
  });

  test('a path that climbs out of the UI folder serves no file outside it', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/static/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const res = await raw(server.url, 'GET', path, {});
      assert.doesNotMatch(res.text, /outside the UI folder/, `${path} served a file outside the UI folder`);
    }
  });

  test('the UI page is refused (421) to a Host that is not the bound address, as the API is', async () => {
    const port = new URL(server.url).port;
    const res = await raw(server.url, 'GET', '/', { host: `evil.example:${port}` });
    assert.deepEqual([res.status, res.json?.code], [421, 'HOST_NOT_ALLOWED']);
  });

  test('once a token exists the UI page loads without one while the API still answers 401', async () => {
    const local = { store: server.ctx.store, runtime: async () => server.ctx, actor: 'local' };
    await invokeOperation(local, createTokenOp, { role: 'viewer', name: 'ui-viewer' });
    const page = await http(server.url, 'GET', '/runs');
    assert.deepEqual([page.status, page.text], [200, INDEX]);
    const api = await http(server.url, 'GET', '/api/v1/runs');
    assert.deepEqual([api.status, api.json?.code], [401, 'UNAUTHENTICATED']);
    const unknownApi = await http(server.url, 'GET', '/api/v1/no-such-thing');
    assert.equal(unknownApi.status, 401);
  });
});
