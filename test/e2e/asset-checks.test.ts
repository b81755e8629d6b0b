/**
 * Asset checks as a user meets them: a definitions file with checks, one real run through
 * `arco run --wait` (worker processes run the computes and checks), then `arco asset checks` and
 * `arco asset status`. One run proves the four outcomes side by side: a passing check, a failing
 * WARN check (downstream still runs), a failing blocking ERROR check (downstream SKIPPED, naming the
 * check) and a check that throws (its task FAILED, no failed evaluation recorded).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineAssetCheck, defineDefinitions } from 'arco-flow';
const orders = defineAsset({ key: 'orders', compute: async () => ({ metadata: { rows: 3 } }) });
const ordersSummary = defineAsset({ key: 'orders_summary', deps: [orders], compute: async () => {} });
const payments = defineAsset({ key: 'raw/payments', compute: async () => {} });
const paymentsSummary = defineAsset({ key: 'payments_summary', deps: [payments], compute: async () => {} });
const report = defineAsset({ key: 'report', deps: [paymentsSummary], compute: async () => {} });
export default defineDefinitions({
  assets: [orders, ordersSummary, payments, paymentsSummary, report],
  assetChecks: [
    defineAssetCheck({ asset: orders, name: 'row_count', compute: () => ({ passed: true, metadata: { rows: 3 } }) }),
    // Blocking, but WARN: a warning never stops the downstream.
    defineAssetCheck({ asset: orders, name: 'no_late_rows', blocking: true, compute: () => ({ passed: false, severity: 'WARN', metadata: { late: 1 } }) }),
    defineAssetCheck({ asset: 'orders', name: 'schema', compute: () => { throw new Error('schema registry unreachable'); } }),
    defineAssetCheck({ asset: payments, name: 'amounts_positive', blocking: true, compute: () => ({ passed: false, metadata: { negative: 2 } }) }),
  ],
});
`;

interface TaskJson {
  key: string;
  status: string;
  skippedBecause: { taskKey: string; status: string } | null;
  checkResult: { passed: boolean; severity: string } | null;
  attemptHistory: { error: { code: string; message: string } | null }[];
}
interface RunJson {
  runId: string;
  status: string;
  tasks: TaskJson[];
}
interface CheckJson {
  name: string;
  key: string;
  blocking: boolean;
  results: { status: string; passed: boolean | null; severity: string | null; runId: string; metadata: Record<string, unknown>; error: { code: string } | null }[];
}

describe('asset checks in a real run', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const env = { ARCO_FROM_SOURCE: '1' };
  let run: RunJson;
  const task = (key: string) => run.tasks.find((t) => t.key === key);

  test('selecting assets runs their checks as tasks after them; a failed check is a result, not a failed task', () => {
    const result = arcoJson<RunJson>(['run', '--project', project.dir, '--select', '*', '--wait'], { env });
    run = result.body;
    assert.ok(run.runId, result.stderr);
    assert.equal(task('orders#row_count')?.status, 'SUCCEEDED');
    assert.deepEqual(task('orders#row_count')?.checkResult, { passed: true, severity: 'ERROR', blocking: false });
    assert.equal(task('orders#no_late_rows')?.status, 'SUCCEEDED');
    assert.deepEqual(task('orders#no_late_rows')?.checkResult, { passed: false, severity: 'WARN', blocking: true });
    assert.equal(task('raw/payments#amounts_positive')?.status, 'SUCCEEDED');
    assert.equal(task('raw/payments#amounts_positive')?.checkResult?.passed, false);
  });

  test('a failing WARN check, even a blocking one, lets the downstream asset run', () => {
    assert.equal(task('orders_summary')?.status, 'SUCCEEDED');
  });

  test('a failing blocking ERROR check skips its asset’s downstream in the run, naming the check', () => {
    assert.deepEqual(task('payments_summary')?.skippedBecause, { taskKey: 'raw/payments#amounts_positive', status: 'CHECK_FAILED' });
    assert.equal(task('payments_summary')?.status, 'SKIPPED');
    assert.deepEqual(task('report')?.skippedBecause, { taskKey: 'raw/payments#amounts_positive', status: 'CHECK_FAILED' }, 'transitively, still naming the check');
    assert.equal(task('raw/payments')?.status, 'SUCCEEDED', 'the checked asset itself was materialized');
    assert.equal(run.status, 'FAILURE');
    const text = arco(['run', '--project', project.dir, '--select', 'raw/payments+', '--wait'], { env });
    assert.match(text.stdout, /payments_summary\s.*SKIPPED.*skipped: blocking check raw\/payments#amounts_positive failed/);
  });

  test('a check whose compute throws fails its task with the user code error: EXECUTION_FAILED, not a failed check', () => {
    const schema = task('orders#schema');
    assert.equal(schema?.status, 'FAILED');
    assert.equal(schema?.checkResult, null, 'no evaluation was recorded');
    assert.equal(schema?.attemptHistory[0]?.error?.code, 'USER_CODE_ERROR');
    assert.match(schema?.attemptHistory[0]?.error?.message ?? '', /schema registry unreachable/);
    assert.equal(task('orders')?.status, 'SUCCEEDED', 'the asset keeps its materialization');
  });

  test('arco asset checks lists each check with blocking and its latest result, run and metadata', () => {
    const listed = arcoJson<CheckJson[]>(['asset', 'checks', 'orders', '--project', project.dir], { env });
    assert.equal(listed.status, 0, listed.stderr);
    const byName = new Map(listed.body.map((c) => [c.name, c]));
    assert.deepEqual([...byName.keys()], ['row_count', 'no_late_rows', 'schema'], 'definition order');
    assert.deepEqual(byName.get('row_count')?.results.map((r) => [r.status, r.passed, r.severity, r.runId, r.metadata]), [['SUCCEEDED', true, 'ERROR', run.runId, { rows: 3 }]]);
    assert.deepEqual(byName.get('no_late_rows')?.results.map((r) => [r.status, r.severity]), [['FAILED', 'WARN']]);
    assert.equal(byName.get('no_late_rows')?.blocking, true);
    assert.deepEqual(byName.get('schema')?.results.map((r) => [r.status, r.passed, r.error?.code]), [['EXECUTION_FAILED', null, 'USER_CODE_ERROR']]);
    const table = arco(['asset', 'checks', 'orders', '--project', project.dir], { env });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /row_count\s.*no\s.*PASS/);
    assert.match(table.stdout, /no_late_rows\s.*yes\s.*FAIL\s.*WARN/);
    assert.match(table.stdout, /schema\s.*EXECUTION_FAILED.*USER_CODE_ERROR: schema registry unreachable/);
  });

  test('arco asset status shows a checks line with each check’s latest result', () => {
    const status = arco(['asset', 'status', 'raw/payments', '--project', project.dir], { env });
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /checks: amounts_positive FAIL \(ERROR, blocking\)/);
    const orders = arco(['asset', 'status', 'orders', '--project', project.dir], { env });
    assert.match(orders.stdout, /checks: row_count PASS, no_late_rows FAIL \(WARN, blocking\), schema EXECUTION_FAILED/);
  });

  test('a check selected alone runs without its asset; an unknown check is UNKNOWN_ASSET_CHECK with the nearest', () => {
    const alone = arcoJson<RunJson>(['run', '--project', project.dir, '--check', 'orders#row_count', '--wait'], { env });
    assert.deepEqual(alone.body.tasks.map((t) => [t.key, t.status]), [['orders#row_count', 'SUCCEEDED']], alone.stderr);
    const unknown = arcoJson<{ error: { code: string; details: { suggestions?: string[] } } }>(['run', '--project', project.dir, '--check', 'orders#row_cnt'], { env });
    assert.notEqual(unknown.status, 0);
    assert.equal(unknown.body.error.code, 'UNKNOWN_ASSET_CHECK');
    assert.deepEqual(unknown.body.error.details.suggestions?.[0], 'orders#row_count');
  });
});
