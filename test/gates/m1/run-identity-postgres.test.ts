/**
 * Gate M1 — run identity on PostgreSQL, where API servers on several machines share one database.
 * Goal: a runKey names one run however many servers race to request it. Method: three stores on
 * one fresh schema stand for three servers; 50 requests with one runKey are spread over them and
 * issued at once through the same `requestRun` the API calls.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { createContext, loadDefinitions, requestRun, systemClock, type RuntimeContext } from '../../../src/runtime/index.js';
import type { Store } from '../../../src/store/index.js';
import { freshSchema, postgresSkip, type TestSchema } from '../../helpers/postgres.js';
import { skippable } from '../../helpers/skippable.js';
import { tempProject } from '../../helpers/project.js';
import { TWO_ASSETS } from '../../helpers/server.js';

const SERVERS = 3;
const REQUESTS = 50;

const { test, before, after } = skippable(await postgresSkip());

describe('run identity on PostgreSQL shared by several servers', () => {
  const project = tempProject(TWO_ASSETS);
  let db: TestSchema;
  let stores: Store[] = [];
  let contexts: RuntimeContext[] = [];

  before(async () => {
    db = await freshSchema();
    const definitions = await loadDefinitions(project.file);
    stores = await Promise.all(Array.from({ length: SERVERS }, () => db.open()));
    contexts = stores.map((store, i) => createContext(store, systemClock, definitions, i + 1));
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await db?.drop();
    project.remove();
  });

  test('50 concurrent requests with one runKey over three servers create exactly one run', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        requestRun(contexts[i % SERVERS] as RuntimeContext, { selection: ['raw/events'], runKey: 'concurrent-pg', tags: { team: 'data' } }),
      ),
    );
    const runIds = new Set(outcomes.map((o) => o.run.runId));
    assert.equal(runIds.size, 1);
    assert.equal(outcomes.filter((o) => !o.existing).length, 1, 'one request created it');
    const [store] = stores as [Store];
    assert.equal((await store.runs.listRuns({ tags: [['arco/run_key', 'concurrent-pg']], limit: 10 })).length, 1);
    const requested = (await store.ledger.readEvents({ limit: 1000 })).filter((e) => e.type === 'RunRequested');
    assert.equal(requested.length, 1, 'one RunRequested in the ledger');
    assert.equal((await store.runs.getRunByKey('concurrent-pg'))?.runId, [...runIds][0]);
  });
});
