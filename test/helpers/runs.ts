/**
 * Builders for run tests: a run requested with a given DAG, and helpers that move it through the
 * coordinator with a fixed clock. Everything goes through the real pure functions and fold.
 */
import { AssetGraph } from '../../src/domain/assets/index.js';
import { createUlidFactory, seededRng, type IdSource } from '../../src/domain/ids/index.js';
import { DEFAULT_RETRY_POLICY, type PlanningContext, type RetryPolicy } from '../../src/domain/runs/index.js';
import { advanceRun, decideRunProgress, decideRunRequest, type CoordinatorInput } from '../../src/controllers/index.js';
import type { EventDraft } from '../../src/events/index.js';
import type { RunProjection } from '../../src/fold/index.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();

export function makeIds(seed = 1): IdSource {
  return { ulid: createUlidFactory(seededRng(seed)) };
}

export interface RunSpec {
  /** asset key -> upstream asset keys */
  readonly dag: Readonly<Record<string, readonly string[]>>;
  readonly select?: readonly string[];
  readonly retry?: Readonly<Record<string, Partial<RetryPolicy>>>;
  readonly timeoutMs?: Readonly<Record<string, number>>;
  /** asset key -> the pool its tasks take a slot of */
  readonly pools?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly runKey?: string;
  readonly at?: number;
  readonly ids?: IdSource;
}

export function graphOf(dag: RunSpec['dag']): AssetGraph {
  return AssetGraph.build(Object.entries(dag).map(([key, deps]) => ({ key, deps })));
}

/** The RunRequested drafts and the QUEUED run they fold to. */
export function requestedRun(spec: RunSpec): { run: RunProjection; drafts: readonly EventDraft[] } {
  const graph = graphOf(spec.dag);
  const at = spec.at ?? T0;
  const decision = decideRunRequest(
    {
      assetKeys: spec.select ?? Object.keys(spec.dag),
      includeUpstream: false,
      includeDownstream: false,
      partition: null,
      runKey: spec.runKey ?? null,
      tags: spec.tags ?? {},
      systemTags: {},
      config: {},
      trigger: { kind: 'manual', detail: {} },
      parentRunId: null,
      rootRunId: null,
    },
    undefined,
    planningFor(graph, (key) => ({
      retry: { ...DEFAULT_RETRY_POLICY, ...(spec.retry?.[key] ?? {}) },
      timeoutMs: spec.timeoutMs?.[key] ?? null,
      codeVersion: '1',
      pool: spec.pools?.[key] ?? null,
    })),
    spec.ids ?? makeIds(),
    at,
  );
  if (decision.kind !== 'new') throw new Error('expected a new run');
  return { run: advanceRun(undefined, decision.drafts, iso(at)), drafts: decision.drafts };
}

/** A planning context for unpartitioned assets (partitioned planning is tested in test/domain/runs). */
export function planningFor(graph: AssetGraph, specOf: PlanningContext['specOf']): PlanningContext {
  return {
    graph,
    specOf,
    isExternal: () => false,
    partitionsOf: () => null,
    mappingOf: () => ({ kind: 'identity' }),
    partitions: { nowEpochMs: T0, dynamicKeys: () => [] },
  };
}

export function coordinatorInput(runs: readonly RunProjection[], now: number, overrides: Partial<CoordinatorInput> = {}): CoordinatorInput {
  return {
    runs,
    nowEpochMs: now,
    freeWorkerSlots: ['w0', 'w1', 'w2', 'w3'],
    heartbeats: new Map(),
    attemptLeaseMs: 15_000,
    maxConcurrentRuns: null,
    ids: makeIds(7),
    ...overrides,
  };
}

/** Runs the coordinator once over one run and returns the run after its decision, and the drafts. */
export function step(run: RunProjection, now: number, overrides: Partial<CoordinatorInput> = {}): { run: RunProjection; drafts: readonly EventDraft[] } {
  const steps = decideRunProgress(coordinatorInput([run], now, overrides));
  const drafts = steps.find((s) => s.runId === run.runId)?.drafts ?? [];
  return { run: advanceRun(run, drafts, iso(now)), drafts };
}

export function statuses(run: RunProjection): Record<string, string> {
  return Object.fromEntries(run.tasks.map((t) => [t.taskKey, t.status]));
}

export function types(drafts: readonly EventDraft[]): string[] {
  return drafts.map((d) => d.type);
}
