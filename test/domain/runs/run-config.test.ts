/**
 * Asset config schemas written with zod (the Standard Schema interface it implements), checked in
 * the decision every trigger's run request goes through: a manual request is refused, a
 * schedule's tick fails with the error and requests no run.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineAsset, defineDefinitions } from '../../../src/authoring/index.js';
import { decideRunRequest, decideScheduleTicks, dueScheduleTicks, decideScheduleSync, type ResolvedRunRequest, type ScheduleSpec } from '../../../src/controllers/index.js';
import { parseCronSchedule } from '../../../src/domain/cron/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';
import { indexDefinitions } from '../../../src/runtime/definitions-loader.js';
import { scheduleStateOf } from '../../helpers/automation.js';
import { makeIds } from '../../helpers/runs.js';

const now = Date.parse('2026-01-01T13:00:00Z');
const loaded = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [
      defineAsset({
        key: 'report',
        config: z.object({ rows: z.number().int().positive(), tables: z.array(z.object({ name: z.string() })).default([]) }),
        compute: async () => ({}),
      }),
    ],
  }),
);
const planning = { ...loaded, partitions: { nowEpochMs: now, dynamicKeys: () => [] } };

function request(config: ResolvedRunRequest['config']): ResolvedRunRequest {
  return { assetKeys: ['report'], includeUpstream: false, includeDownstream: false, partition: null, runKey: null, tags: {}, systemTags: {}, config, trigger: { kind: 'manual', detail: {} }, parentRunId: null, rootRunId: null };
}

describe('run config against zod config schemas', () => {
  test('a config that fits is a new run; one that does not is INVALID_RUN_CONFIG with each offending field by its path', () => {
    assert.equal(decideRunRequest(request({ rows: 2, tables: [{ name: 'a' }] }), undefined, planning, makeIds(), now).kind, 'new');
    assert.throws(
      () => decideRunRequest(request({ rows: 2, tables: [{ name: 'a' }, { name: 7 }] }), undefined, planning, makeIds(), now),
      (error: unknown) => {
        assert.ok(isArcoError(error));
        assert.equal(error.code, 'INVALID_RUN_CONFIG');
        assert.equal(error.httpStatus, 400);
        assert.equal(error.details?.['asset'], 'report');
        assert.equal(error.details?.['field'], 'tables[1].name');
        assert.deepEqual((error.details?.['issues'] as { field: string }[]).map((i) => i.field), ['tables[1].name']);
        assert.match(error.message, /asset "report": field "tables\[1\]\.name"/);
        return true;
      },
    );
    assert.throws(() => decideRunRequest(request('rows: 2'), undefined, planning, makeIds(), now), /run config does not fit the config schema of asset "report": the config:/);
  });

  test("a schedule whose config does not fit its assets' schemas fails its tick with INVALID_RUN_CONFIG and requests no run", () => {
    const spec: ScheduleSpec = { name: 'hourly', cron: parseCronSchedule('0 * * * *'), timezone: 'UTC', assetKeys: ['report'], partition: 'none', partitionsDefinition: null, tags: {}, config: { rows: -1 }, maxCatchupTicks: 5, skipIfRunning: false };
    const sync = decideScheduleSync([{ name: 'hourly', definition: { cron: '0 * * * *', timezone: 'UTC', assetKeys: ['report'], partition: 'none', defaultStatus: 'RUNNING', maxCatchupTicks: 5, skipIfRunning: false, tags: {}, config: { rows: -1 } } }], new Map());
    const state = scheduleStateOf('hourly', [[Date.parse('2026-01-01T12:30:00Z'), sync]]);
    const { drafts } = decideScheduleTicks({ spec, state, due: dueScheduleTicks(spec, state, now), outcomes: new Map(), runsInProgress: [], holders: new Map(), planning, ids: makeIds(), nowEpochMs: now });
    assert.deepEqual(drafts.map((d) => d.type), ['ScheduleTicked']);
    assert.ok(drafts[0]?.type === 'ScheduleTicked' && drafts[0].payload.status === 'FAILURE');
    assert.equal(drafts[0].payload.error?.code, 'INVALID_RUN_CONFIG');
    assert.match(drafts[0].payload.error?.message ?? '', /field "rows"/);
  });

  test('defineAsset refuses a config that is not a schema, naming the option', () => {
    assert.throws(() => defineAsset({ key: 'x', config: { rows: 'number' } as never, compute: async () => ({}) }), /asset "x": config/);
  });
});
