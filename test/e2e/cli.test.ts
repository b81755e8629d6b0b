/** The `arco` command end to end, as a user types it, on definitions files in temporary folders. */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

// The definitions file from the foundation issue, verbatim.
const ISSUE_EXAMPLE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw/events', compute: async (ctx) => { ctx.log.info('hi'); return { metadata: { rows: 3 } }; } });
const clean = defineAsset({ key: 'clean/events', deps: [raw], codeVersion: '1', retry: { maxRetries: 2, delayMs: 100 }, compute: async () => ({}) });
export default defineDefinitions({ assets: [raw, clean] });
`;

type RunJson = { runId: string; status: string; tasks: { key: string; status: string; attempts: number }[] };

describe('arco run on a project anywhere on disk', () => {
  const project = tempProject(ISSUE_EXAMPLE);
  after(() => project.remove());
  let runId = '';

  test('runs the selection with its upstream, waits, exits 0 and prints the run as JSON', () => {
    const { status, body } = arcoJson<RunJson>(['run', '--project', project.dir, '--select', 'clean/events', '--include-upstream', '--wait']);
    assert.equal(status, 0);
    assert.equal(body.status, 'SUCCESS');
    assert.deepEqual(body.tasks.map((t) => [t.key, t.status, t.attempts]), [['raw/events', 'SUCCEEDED', 1], ['clean/events', 'SUCCEEDED', 1]]);
    runId = body.runId;
  });

  test('without --wait prints the run as soon as it is queued', () => {
    const { status, body } = arcoJson<RunJson>(['run', '--project', project.dir, '--select', 'raw/events']);
    assert.equal(status, 0);
    assert.equal(body.status, 'QUEUED');
  });

  test('arco runs, status, logs and asset list show runs, tasks, attempts, materializations and logs', () => {
    const runs = arcoJson<{ runs: RunJson[] }>(['runs', '--project', project.dir]).body.runs;
    assert.ok(runs.some((r) => r.runId === runId && r.status === 'SUCCESS'));
    const status = arcoJson<RunJson & { tasks: { materialization: { metadata: unknown } | null }[] }>(['status', runId, '--project', project.dir]).body;
    assert.deepEqual(status.tasks[0]?.materialization?.metadata, { rows: 3 });
    const logs = arco(['logs', runId, '--project', project.dir, '--json']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { message: string });
    assert.deepEqual(logs.map((l) => l.message), ['hi']);
    const assets = arcoJson<{ key: string; latestMaterialization: { runId: string } | null }[]>(['asset', 'list', '--project', project.dir]).body;
    assert.deepEqual(assets.map((a) => [a.key, a.latestMaterialization?.runId]), [['clean/events', runId], ['raw/events', runId]]);
  });

  test('arco admin rebuild replays the ledger to an identical projection hash', () => {
    const { status, body } = arcoJson<{ equal: boolean; hashBefore: string; hashAfter: string; events: number }>(['admin', 'rebuild', '--project', project.dir]);
    assert.equal(status, 0);
    assert.equal(body.hashAfter, body.hashBefore);
    assert.ok(body.events > 0);
  });

  test('arco admin rebuild refuses --url with the reason, and changes nothing', () => {
    const { status, body } = arcoJson<{ error: { code: string; message: string } }>(['admin', 'rebuild', '--project', project.dir, '--url', 'http://127.0.0.1:9']);
    assert.equal(status, 1);
    assert.equal(body.error.code, 'VALIDATION_ERROR');
    assert.match(body.error.message, /store itself/);
  });

  test('arco asset list --select prints the selected assets in key order, and an empty list when nothing matches', () => {
    const selected = arcoJson<{ key: string }[]>(['asset', 'list', '--project', project.dir, '--select', '+key:clean/events']).body;
    assert.deepEqual(selected.map((a) => a.key), ['clean/events', 'raw/events']);
    const none = arcoJson<unknown[]>(['asset', 'list', '--project', project.dir, '--select', 'key:nothing/*']);
    assert.equal(none.status, 0);
    assert.deepEqual(none.body, []);
  });

  test('a selection syntax error points at the column and says what was expected', () => {
    const result = arco(['asset', 'list', '--project', project.dir, '--select', 'key:raw/* and (']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /SELECTION_SYNTAX_ERROR: .*column 16.*expected/);
  });

  test('-f names a definitions file directly', () => {
    const { status, body } = arcoJson<{ key: string }[]>(['asset', 'list', '-f', project.file]);
    assert.equal(status, 0);
    assert.deepEqual(body.map((a) => a.key), ['clean/events', 'raw/events']);
  });
});

describe('arco run exit codes', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions } from 'arco-flow';
const broken = defineAsset({ key: 'broken', compute: async () => { throw new Error('always'); } });
const downstream = defineAsset({ key: 'downstream', deps: [broken], compute: async () => {} });
export default defineDefinitions({ assets: [broken, downstream] });
`);
  after(() => project.remove());

  test('exits non-zero when the run fails, and shows the failure and the skip', () => {
    const { status, body } = arcoJson<RunJson & { tasks: { skippedBecause: { taskKey: string } | null }[] }>(['run', '--project', project.dir, '--select', '*', '--wait']);
    assert.equal(status, 1);
    assert.equal(body.status, 'FAILURE');
    assert.equal(body.tasks[1]?.skippedBecause?.taskKey, 'broken');
  });

  test('an unknown asset is a clear error with a non-zero exit', () => {
    const result = arco(['run', '--project', project.dir, '--select', 'nope']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /UNKNOWN_ASSET/);
  });
});

describe('bad definitions fail at load, naming the assets', () => {
  const cases: [string, string, RegExp][] = [
    ['an unknown dependency', `const a = defineAsset({ key: 'a', deps: ['ghost'], compute: async () => {} }); export default defineDefinitions({ assets: [a] });`, /UNKNOWN_DEPENDENCY: asset "a" depends on "ghost"/],
    ['a cycle, with its path', `const a = defineAsset({ key: 'a', deps: ['b'], compute: async () => {} }); const b = defineAsset({ key: 'b', deps: ['a'], compute: async () => {} }); export default defineDefinitions({ assets: [a, b] });`, /DEPENDENCY_CYCLE: .*a -> b -> a/],
    ['a duplicate key', `const a = defineAsset({ key: 'a', compute: async () => {} }); export default defineDefinitions({ assets: [a, a] });`, /DUPLICATE_ASSET_KEY: asset "a"/],
    ['compute that is not a function', `const a = defineAsset({ key: 'a', compute: 5 }); export default defineDefinitions({ assets: [a] });`, /INVALID_DEFINITION: asset "a": compute must be a function/],
  ];
  for (const [what, body, message] of cases) {
    test(what, () => {
      const project = tempProject(`import { defineAsset, defineDefinitions } from 'arco-flow';\n${body}\n`);
      try {
        const result = arco(['asset', 'list', '--project', project.dir]);
        assert.equal(result.status, 1);
        assert.match(result.stderr, message);
      } finally {
        project.remove();
      }
    });
  }

  test('a missing project folder says where it looked', () => {
    const result = arco(['asset', 'list', '--project', '/nonexistent/arco']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /DEFINITIONS_LOAD_FAILED: project directory not found/);
  });
});

describe('talking to a running arco dev with --url', () => {
  const project = tempProject(ISSUE_EXAMPLE);
  let dev: Awaited<ReturnType<typeof startDev>>;
  before(async () => {
    dev = await startDev(['--project', project.dir]);
  });
  after(async () => {
    await stopProcess(dev.child);
    project.remove();
  });

  test('arco run --url waits for the run that arco dev executes, and arco status --url reads it', () => {
    const run = arcoJson<RunJson>(['run', '--url', dev.url, '--select', 'key:raw/* or key:clean/*', '--wait']);
    assert.equal(run.status, 0);
    assert.equal(run.body.status, 'SUCCESS');
    const status = arcoJson<RunJson>(['status', run.body.runId, '--url', dev.url]);
    assert.equal(status.body.runId, run.body.runId);
    assert.equal(status.body.tasks.length, 2);
  });

  test('without --url the CLI uses a running arco dev that serves the same project (here via ARCO_URL)', () => {
    const run = arcoJson<RunJson & { tasks: { attemptHistory: unknown[] }[] }>(['run', '--project', project.dir, '--select', 'raw/events', '--wait'], { env: { ARCO_URL: dev.url } });
    assert.equal(run.body.status, 'SUCCESS');
    const status = arcoJson<{ runId: string }>(['status', run.body.runId, '--project', project.dir], { env: { ARCO_URL: dev.url } });
    assert.equal(status.body.runId, run.body.runId);
    const workers = arcoJson<{ rows: string[][] }>(['sql', `SELECT worker_id FROM system_attempts WHERE run_id = '${run.body.runId}'`, '--project', project.dir]).body.rows;
    assert.match(workers[0]?.[0] ?? '', new RegExp(`:${dev.child.pid}:`), 'the run was executed by the arco dev daemon, not by the CLI');
  });

  test('an unreachable --url is API_UNREACHABLE', () => {
    const result = arco(['runs', '--url', 'http://127.0.0.1:9']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /API_UNREACHABLE/);
  });
});

describe('definitions files in other forms', () => {
  test('a project whose definitions file is definitions.mjs loads', () => {
    const project = tempProject('');
    try {
      rmSync(project.file);
      writeFileSync(join(project.dir, 'definitions.mjs'), ISSUE_EXAMPLE);
      const { status, body } = arcoJson<{ key: string }[]>(['asset', 'list', '--project', project.dir]);
      assert.equal(status, 0);
      assert.equal(body.length, 2);
    } finally {
      project.remove();
    }
  });
});
