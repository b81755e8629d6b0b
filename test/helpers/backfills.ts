/** Builders for backfill tests: a backfill created and stepped through the real pure functions and fold. */
import { advanceRun, decideBackfillCreate, decideBackfillProgress, type BackfillProgress } from '../../src/controllers/index.js';
import type { BackfillPolicy } from '../../src/domain/backfills/index.js';
import type { PartitionsDefinition } from '../../src/domain/partitions/index.js';
import { canonicalPartitionSelector, parsePartitionSelector } from '../../src/domain/partitions/index.js';
import type { PlanningContext } from '../../src/domain/runs/index.js';
import { DEFAULT_WORKSPACE, EVENT_VERSION, type EventDraft, type StoredEvent } from '../../src/events/index.js';
import { backfillsFamily, foldInMemory, type BackfillProjection, type RunProjection } from '../../src/fold/index.js';
import { planningOf } from './automation.js';
import { iso, makeIds } from './runs.js';

export const BF_NOW = Date.parse('2026-02-01T00:00:00Z');

export function provisional(drafts: readonly EventDraft[], at = BF_NOW): StoredEvent[] {
  return drafts.map((d, i) => ({ ...d, eventId: '', version: EVENT_VERSION, at: iso(at), workspace: DEFAULT_WORKSPACE, causationId: null, sequence: i + 1 }) as StoredEvent);
}

/** The backfill after `drafts` (the input is not changed). */
export function foldBackfill(backfill: BackfillProjection | undefined, drafts: readonly EventDraft[], at = BF_NOW): BackfillProjection {
  const id = backfill?.backfillId ?? (drafts[0]?.payload as { backfillId: string }).backfillId;
  const rows = new Map(backfill ? [[id, structuredClone(backfill)]] : []);
  return foldInMemory(backfillsFamily, rows, provisional(drafts.filter((d) => d.type.startsWith('Backfill')), at)).get(id) as BackfillProjection;
}

export interface BackfillSpec {
  readonly dag: Readonly<Record<string, readonly string[]>>;
  readonly partitions?: Readonly<Record<string, PartitionsDefinition>>;
  readonly selector: string | null;
  readonly policy?: BackfillPolicy;
  readonly maxConcurrentRuns?: number;
  readonly assets?: readonly string[];
}

const createdDrafts = new WeakMap<BackfillProjection, readonly EventDraft[]>();

/** The BackfillCreated drafts a backfill of `createBackfillFor` was folded from. */
export function backfillCreatedDrafts(backfill: BackfillProjection): readonly EventDraft[] {
  const drafts = createdDrafts.get(backfill);
  if (!drafts) throw new Error('not a backfill made by createBackfillFor');
  return drafts;
}

export function createBackfillFor(spec: BackfillSpec): { backfill: BackfillProjection; planning: PlanningContext } {
  const planning = planningOf(spec.dag, BF_NOW, spec.partitions ?? {});
  const decision = decideBackfillCreate(
    {
      clientRequestId: 'req-1',
      assetKeys: spec.assets ?? Object.keys(spec.dag),
      partition: spec.selector === null ? null : canonicalPartitionSelector(parsePartitionSelector(spec.selector)),
      policy: spec.policy ?? { kind: 'multiRun', partitionsPerRun: 1 },
      maxConcurrentRuns: spec.maxConcurrentRuns ?? 10,
      tags: { team: 'data' },
      config: {},
    },
    undefined,
    planning,
    makeIds(5),
    BF_NOW,
  );
  if (decision.kind !== 'new') throw new Error('expected a new backfill');
  const backfill = foldBackfill(undefined, decision.drafts);
  createdDrafts.set(backfill, decision.drafts);
  return { backfill, planning };
}

/** One controller step over the given runs (by id). */
export function stepBackfill(backfill: BackfillProjection, planning: PlanningContext, runs: readonly RunProjection[] = [], seed = 9): BackfillProgress & { after: BackfillProjection; runs: RunProjection[] } {
  const progress = decideBackfillProgress({
    backfill,
    runs: new Map(runs.map((r) => [r.runId, r])),
    holders: new Map(),
    planning,
    ids: makeIds(seed),
    nowEpochMs: BF_NOW,
  });
  const requested = progress.drafts.filter((d) => d.type === 'RunRequested').map((d) => advanceRun(undefined, [d], iso(BF_NOW)));
  return { ...progress, after: foldBackfill(backfill, progress.drafts), runs: requested };
}

/** The run ended: every task SUCCEEDED, except `failed` task keys (FAILED) and their downstream (SKIPPED). */
export function endRun(run: RunProjection, failed: readonly string[] = [], status?: RunProjection['status']): RunProjection {
  const out = structuredClone(run);
  for (const task of out.tasks) task.status = failed.includes(task.taskKey) ? 'FAILED' : task.deps.some((d) => failed.includes(d)) ? 'SKIPPED' : 'SUCCEEDED';
  out.status = status ?? (failed.length > 0 ? 'FAILURE' : 'SUCCESS');
  return out;
}

export const types = (drafts: readonly EventDraft[]): string[] => drafts.map((d) => d.type);
