/**
 * Partition status from the command line (PST-07, PST-08): `arco asset status`, the
 * partition-health column of `arco asset list`, and `arco run` / `arco backfill create` over the
 * partitions in a status. Tests run in order on one project store.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const days = defineAsset({ key: 'events/daily', codeVersion: 'v7', partitions: dailyPartitions({ start: '2024-01-01', end: '2024-01-09' }), compute: async (ctx) => {
  if (ctx.partitionKey === '2024-01-03') throw new Error('no data');
  return { metadata: { rows: 7 } };
} });
const plain = defineAsset({ key: 'plain', compute: async () => ({}) });
export default defineDefinitions({ assets: [days, plain] });
`;

type View = { counts: Record<string, number>; ranges: Record<string, { start: string; end: string }[]>; partition: { status: string; lastMaterialization: { codeVersion: string } | null; lastFailure: { code: string } | null } | null };

describe('partition status from the command line', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const at = ['--project', project.dir];

  test('arco asset status prints counts and key ranges per status after a run materializes some partitions and fails one', () => {
    const run = arco(['run', ...at, '--select', 'events/daily', '--partition', '2024-01-01...2024-01-04', '--wait']);
    assert.equal(run.status, 1, 'the run failed: one partition failed');
    const { status, stdout } = arco(['asset', 'status', 'events/daily', ...at]);
    assert.equal(status, 0);
    assert.match(stdout, /events\/daily: 8 partitions/);
    assert.match(stdout, /MATERIALIZED\s*│\s*3\s*│\s*2024-01-01\.\.\.2024-01-02 \(2\)/);
    assert.match(stdout, /FAILED\s*│\s*1\s*│\s*2024-01-03/);
    assert.match(stdout, /MISSING\s*│\s*4\s*│\s*2024-01-05\.\.\.2024-01-08 \(4\)/);
  });

  test('arco asset status --partition KEY shows that partition\'s last materialization or failure', () => {
    const failed = arcoJson<View>(['asset', 'status', 'events/daily', '--partition', '2024-01-03', ...at]).body;
    assert.deepEqual([failed.partition?.status, failed.partition?.lastFailure?.code], ['FAILED', 'USER_CODE_ERROR']);
    const { stdout } = arco(['asset', 'status', 'events/daily', '--partition', '2024-01-02', ...at]);
    assert.match(stdout, /status\s*│\s*MATERIALIZED/);
    assert.match(stdout, /code version\s*│\s*v7/);
    assert.match(stdout, /metadata\s*│\s*\{"rows":7\}/);
  });

  test('arco asset list shows each partitioned asset\'s partition health', () => {
    const { stdout } = arco(['asset', 'list', ...at]);
    assert.match(stdout, /events\/daily.*3\/8 materialized, 1 failed/);
    const [plain] = arcoJson<{ key: string; partitionHealth: unknown }[]>(['asset', 'list', '--select', 'plain', ...at]).body;
    assert.equal(plain?.partitionHealth, null);
  });

  test('arco run --partition status:FAILED reruns exactly the failed partitions', () => {
    const { body } = arcoJson<{ partition: unknown; tasks: { partitionKey: string }[] }>(['run', ...at, '--select', 'events/daily', '--partition', 'status:FAILED']);
    assert.deepEqual(body.tasks.map((t) => t.partitionKey), ['2024-01-03']);
  });

  test('arco backfill create --from-status MISSING backfills the missing partitions as key ranges', () => {
    const { status, body } = arcoJson<{ backfill: { counts: { total: number } } }>(['backfill', 'create', ...at, '--select', 'events/daily', '--from-status', 'MISSING']);
    assert.equal(status, 0);
    assert.equal(body.backfill.counts.total, 4);
  });

  test('an unknown status, a selector for an unpartitioned asset and an unknown asset are refused with what is valid', () => {
    const unknownStatus = arco(['asset', 'status', 'events/daily', '--partition', 'status:NOPE', ...at]);
    assert.equal(unknownStatus.status, 1);
    assert.match(unknownStatus.stderr, /INVALID_PARTITION_SELECTOR: unknown partition status "NOPE": valid statuses are MATERIALIZED, FAILED, IN_PROGRESS, MISSING/);
    const unpartitioned = arco(['asset', 'status', 'plain', '--partition', 'x', ...at]);
    assert.match(unpartitioned.stderr, /PARTITION_NOT_APPLICABLE/);
    const unknown = arco(['asset', 'status', 'events/dialy', ...at]);
    assert.match(unknown.stderr, /UNKNOWN_ASSET.*events\/daily/);
  });
});
