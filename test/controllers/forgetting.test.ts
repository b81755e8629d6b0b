/** Deciding a run deletion and an asset wipe, as tables: the run (and its backfill) in, events or a refusal out. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAssetWipes, decideRunDelete } from '../../src/controllers/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';
import type { BackfillProjection, RunProjection } from '../../src/fold/index.js';
import { T0, iso, requestedRun } from '../helpers/runs.js';

const run = (status: RunProjection['status'], tags: Record<string, string> = {}): RunProjection => ({ ...requestedRun({ dag: { a: [] }, tags }).run, status });
/** Only the fields a deletion reads; the rest of a backfill does not matter here. */
const backfill = (inFlightRunIds: string[]): BackfillProjection =>
  ({ backfillId: 'bf_1', inFlight: inFlightRunIds.map((runId, chunkIndex) => ({ chunkIndex, unitIndex: 0, runId, from: 0, to: 1 })) }) as unknown as BackfillProjection;

function refusal(decide: () => unknown): unknown {
  try {
    decide();
    return 'no refusal';
  } catch (error) {
    return isArcoError(error) ? [error.code, error.details?.['status']] : error;
  }
}

describe('run deletion and asset wipe decisions', () => {
  const fromBackfill = run('SUCCESS', { 'arco/backfill': 'bf_1' });
  const refused: { title: string; run: RunProjection; backfill?: BackfillProjection; expect: unknown }[] = [
    { title: 'a QUEUED run is not deleted', run: run('QUEUED'), expect: ['RUN_NOT_TERMINAL', 'QUEUED'] },
    { title: 'a STARTED run is not deleted', run: run('STARTED'), expect: ['RUN_NOT_TERMINAL', 'STARTED'] },
    { title: 'a CANCELING run is not deleted', run: run('CANCELING'), expect: ['RUN_NOT_TERMINAL', 'CANCELING'] },
    { title: 'a finished run its backfill still counts in flight is not deleted yet', run: fromBackfill, backfill: backfill([fromBackfill.runId]), expect: ['RUN_NOT_TERMINAL', 'SUCCESS'] },
    { title: 'a finished run its backfill has recorded is deleted', run: fromBackfill, backfill: backfill([]), expect: 'no refusal' },
  ];
  for (const c of refused) {
    test(c.title, () => {
      assert.deepEqual(refusal(() => decideRunDelete(c.run, c.backfill, T0, null)), c.expect);
    });
  }

  for (const status of ['SUCCESS', 'FAILURE', 'CANCELED'] as const) {
    test(`a ${status} run is deleted with one RunDeleted, keyed by its id`, () => {
      const r = run(status);
      const drafts = decideRunDelete(r, backfill(['run_other']), T0, 'admin-1');
      assert.deepEqual(drafts.map((d) => [d.type, d.payload, d.idempotencyKey, d.correlationId]), [
        ['RunDeleted', { runId: r.runId, deletedAt: iso(T0), requestedBy: 'admin-1' }, `run_deleted:${r.runId}`, r.runId],
      ]);
    });
  }

  test('a wipe is one AssetWiped per asset, keyed by the asset and the request', () => {
    const drafts = decideAssetWipes(
      [
        { assetKey: 'a', partitionKeys: null, partitionWindows: [] },
        { assetKey: 'b', partitionKeys: ['x'], partitionWindows: [[1, 2]] },
      ],
      'wipe_1',
      T0,
      null,
    );
    assert.deepEqual(drafts.map((d) => [d.type, d.payload, d.idempotencyKey]), [
      ['AssetWiped', { assetKey: 'a', partitionKeys: null, partitionWindows: [], wipedAt: iso(T0), requestedBy: null }, 'asset_wipe:a:wipe_1'],
      ['AssetWiped', { assetKey: 'b', partitionKeys: ['x'], partitionWindows: [[1, 2]], wipedAt: iso(T0), requestedBy: null }, 'asset_wipe:b:wipe_1'],
    ]);
  });
});
