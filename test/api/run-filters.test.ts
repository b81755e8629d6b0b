/**
 * `GET /api/v1/runs` (and `arco runs`) filters (OPX-16): several tags at once, an asset, a creation
 * window given as a time or as "12h" before now, and the trigger, over cursor pages that stay
 * stable while new runs arrive. A filter that does not parse is a 400 naming it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { http, startServer, TWO_ASSETS, type TestServer } from '../helpers/server.js';

let server: TestServer;
const ids: Record<string, string> = {};

before(async () => {
  server = await startServer(TWO_ASSETS);
  for (const [name, body] of Object.entries({
    rawData: { selection: ['raw/events'], tags: { team: 'data' } },
    cleanProd: { selection: ['clean/events'], tags: { team: 'data', env: 'prod' } },
    rawPlain: { selection: ['raw/events'] },
  })) {
    const res = await http(server.url, 'POST', '/api/v1/runs', body);
    assert.equal(res.status, 201, res.text);
    ids[name] = res.json.run.runId;
  }
});
after(() => server.close());

const list = async (query: string): Promise<string[]> => {
  const res = await http(server.url, 'GET', `/api/v1/runs?${query}`);
  assert.equal(res.status, 200, res.text);
  return (res.json.runs as { runId: string }[]).map((r) => r.runId);
};

test('runs filter by every tag given, by asset, by creation time (absolute or ago) and by trigger', async () => {
  assert.deepEqual(await list('tag=team=data&tag=env=prod'), [ids['cleanProd']]);
  assert.deepEqual(await list('tag=team=data'), [ids['cleanProd'], ids['rawData']]);
  assert.deepEqual(await list('asset=raw/events'), [ids['rawPlain'], ids['rawData']]);
  assert.deepEqual(await list('since=1h&asset=clean/events'), [ids['cleanProd']]);
  assert.deepEqual(await list('until=1h'), []);
  assert.deepEqual(await list(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`), []);
  assert.deepEqual(await list('trigger=manual&tag=team=data'), [ids['cleanProd'], ids['rawData']]);
  assert.deepEqual(await list('trigger=schedule'), []);
});

test('a filter that does not parse is 400 VALIDATION_ERROR naming it, and changes nothing', async () => {
  const before = await server.ctx.store.ledger.lastSequence();
  for (const [query, field] of [['since=yesterday', 'since'], ['trigger=cron', 'trigger'], ['tag=team', 'tag']] as const) {
    const res = await http(server.url, 'GET', `/api/v1/runs?${query}`);
    assert.deepEqual([res.status, res.json.code], [400, 'VALIDATION_ERROR'], query);
    assert.match(res.text, new RegExp(field), query);
  }
  assert.equal(await server.ctx.store.ledger.lastSequence(), before);
});

test('pages concatenate to the whole list with no run twice, while runs are requested between pages', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await http(server.url, 'GET', `/api/v1/runs?limit=1&tag=team=data${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...(res.json.runs as { runId: string }[]).map((r) => r.runId));
    cursor = res.json.nextCursor;
    await http(server.url, 'POST', '/api/v1/runs', { selection: ['raw/events'], tags: { team: 'data' } });
  } while (cursor !== null);
  assert.deepEqual(seen, [ids['cleanProd'], ids['rawData']]);
});
