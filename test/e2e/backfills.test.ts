/** `arco backfill …` as a user runs it: create and follow, status ranges, idempotency, retry, state commands and bad input. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions } from 'arco-flow';
const days = dailyPartitions({ start: '2024-01-01' });
const raw = defineAsset({ key: 'events/raw', partitions: days, compute: async () => {} });
const daily = defineAsset({ key: 'events/daily', deps: [raw], partitions: days, compute: async (ctx) => { if (ctx.partitionKey === '2024-01-04') throw new Error('bad day'); } });
export default defineDefinitions({ assets: [raw, daily] });
`;

interface Backfill {
  backfillId: string;
  status: string;
  stateVersion: number;
  counts: { total: number; materialized: number; failed: number };
  chunksPlanned: number;
  parentBackfillId: string | null;
}
interface Status {
  assets: { assetKey: string; ranges: { range: string; state: string }[] }[];
}

describe('arco backfill', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const p = ['--project', project.dir];
  let finished: Backfill;

  test('create --wait runs the backfill in chunk runs to its end and exits 1 when a partition failed', () => {
    const { status, body } = arcoJson<{ backfill: Backfill; existing: boolean }>(['backfill', 'create', ...p, '--select', 'key:events/*', '--partition', '2024-01-01...2024-01-06', '--policy', 'multi-run:2', '--wait', '--request-id', 'first']);
    assert.equal(status, 1);
    finished = body.backfill;
    assert.equal(finished.status, 'COMPLETED_FAILED');
    assert.deepEqual([finished.counts.total, finished.counts.materialized, finished.counts.failed, finished.chunksPlanned], [12, 11, 1, 3]);
  });

  test('status shows, per asset, the key ranges in each state, compressed', () => {
    const { status, body } = arcoJson<Status>(['backfill', 'status', finished.backfillId, ...p]);
    assert.equal(status, 0);
    assert.deepEqual(body.assets.map((a) => [a.assetKey, a.ranges.map((r) => `${r.range}: ${r.state}`)]), [
      ['events/raw', ['2024-01-01...2024-01-06: materialized']],
      ['events/daily', ['2024-01-01...2024-01-03: materialized', '2024-01-04: failed', '2024-01-05...2024-01-06: materialized']],
    ]);
    const human = arco(['backfill', 'status', finished.backfillId, ...p]);
    assert.match(human.stdout, /2024-01-04: failed/);
  });

  test('the same --request-id again returns the existing backfill and creates no second one', () => {
    const { body } = arcoJson<{ backfill: Backfill; existing: boolean }>(['backfill', 'create', ...p, '--select', 'key:events/*', '--partition', '2024-01-01...2024-01-06', '--policy', 'multi-run:2', '--request-id', 'first']);
    assert.equal(body.existing, true);
    assert.equal(body.backfill.backfillId, finished.backfillId);
    const list = arcoJson<{ backfills: Backfill[] }>(['backfill', 'list', ...p]).body;
    assert.deepEqual(list.backfills.map((b) => b.backfillId), [finished.backfillId]);
  });

  test('retry creates a backfill over exactly the failed partition, linked to its parent', () => {
    const { status, body } = arcoJson<{ backfill: Backfill }>(['backfill', 'retry', finished.backfillId, ...p]);
    assert.equal(status, 0);
    assert.equal(body.backfill.parentBackfillId, finished.backfillId);
    assert.equal(body.backfill.counts.total, 1);
    const ranges = arcoJson<Status>(['backfill', 'status', body.backfill.backfillId, ...p]).body.assets.map((a) => [a.assetKey, a.ranges.map((r) => r.range)]);
    assert.deepEqual(ranges, [['events/daily', ['2024-01-04']]]);
  });

  test('pause, resume and cancel move a backfill through its states; a pause of a paused one names its state', () => {
    const created = arcoJson<{ backfill: Backfill }>(['backfill', 'create', ...p, '--select', 'events/raw', '--partition', '2024-01-01...2024-03-31']).body.backfill;
    assert.equal(created.status, 'REQUESTED');
    const paused = arcoJson<Backfill>(['backfill', 'pause', created.backfillId, ...p]).body;
    assert.deepEqual([paused.status, paused.stateVersion], ['PAUSED', created.stateVersion + 1]);
    const again = arcoJson<{ error: { code: string; message: string } }>(['backfill', 'pause', created.backfillId, ...p]);
    assert.equal(again.status, 1);
    assert.equal(again.body.error.code, 'BACKFILL_STATE_CONFLICT');
    assert.match(again.body.error.message, /PAUSED/);
    assert.equal(arcoJson<Backfill>(['backfill', 'resume', created.backfillId, ...p]).body.status, 'REQUESTED');
    assert.match(arcoJson<Backfill>(['backfill', 'cancel', created.backfillId, ...p]).body.status, /^CANCEL(ING|ED)$/);
  });

  test('bad input is a clear error with a stable code and stores nothing', () => {
    const before = arcoJson<{ backfills: Backfill[] }>(['backfill', 'list', ...p]).body.backfills.length;
    const cases: [string[], string][] = [
      [['--select', 'nope', '--partition', '2024-01-01'], 'UNKNOWN_ASSET'],
      [['--select', 'events/raw', '--partition', '2024-01-01', '--policy', 'multi-run:0'], 'BACKFILL_INVALID_POLICY'],
      [['--select', 'events/raw', '--partition', '2024-01-05...2024-01-01'], 'INVALID_PARTITION_RANGE'],
    ];
    for (const [args, code] of cases) {
      const result = arcoJson<{ error: { code: string } }>(['backfill', 'create', ...p, ...args]);
      assert.equal(result.status, 1, args.join(' '));
      assert.equal(result.body.error.code, code, args.join(' '));
    }
    assert.equal(arcoJson<{ backfills: Backfill[] }>(['backfill', 'list', ...p]).body.backfills.length, before);
  });
});
