/**
 * Reruns (issue: operator UX). A rerun is a new run requested through the one reservation path,
 * with lineage (parent, root), the parent's partition selection, config and user tags, and a
 * deterministic runKey `rerun:{parentRunId}:{mode}:{first16hex(sha256(selection))}` so asking twice
 * returns the same rerun.
 *
 * - fromFailure: exactly the parent's tasks that did not succeed (failed, skipped, canceled, never
 *   started); succeeded tasks are not executed again. A parent without failure is refused.
 * - subset: the parent's tasks whose asset is in the given selection (closures already applied).
 * - all: every task of the parent again, whatever its outcome (Dagster's ALL_STEPS re-execution).
 */
import { arcoError } from '../domain/errors/index.js';
import { canonicalJson, sha256Hex, type Json } from '../domain/ids/index.js';
import type { PartitionSelector } from '../domain/partitions/index.js';
import { isTerminalRun, outputKeysOf, RUN_POLICY_TAGS } from '../domain/runs/index.js';
import type { RunProjection } from '../fold/index.js';
import type { ResolvedRunRequest } from './run-requests.js';

export type RerunMode = 'fromFailure' | 'subset' | 'all';

export interface RerunRequest {
  readonly mode: RerunMode;
  /** For `subset`: asset keys (selection plus closures), each of which must be in the parent. */
  readonly assetKeys?: readonly string[];
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
}

/** @throws RERUN_PARENT_NOT_FINISHED, RERUN_NOTHING_FAILED, RERUN_SELECTION_OUTSIDE_PARENT, EMPTY_SELECTION. */
export function resolveRerun(parent: RunProjection, request: RerunRequest): ResolvedRunRequest {
  if (!isTerminalRun(parent.status)) {
    throw arcoError('RERUN_PARENT_NOT_FINISHED', `run ${parent.runId} is ${parent.status}; rerun it once it has finished`, {
      runId: parent.runId,
      status: parent.status,
    });
  }
  const keep = request.mode === 'fromFailure' ? failedTasks(parent) : request.mode === 'all' ? parent.tasks : subsetTasks(parent, request.assetKeys ?? []);
  const taskKeys = keep.map((t) => t.taskKey).sort();
  const selectionHash = sha256Hex(canonicalJson({ taskKeys, partition: parent.partition })).slice(0, 16);
  // Caller-settable tags carry over, so a rerun keeps the priority and retry policy it was given.
  const userTags = Object.fromEntries(Object.entries(parent.tags).filter(([k]) => !k.startsWith('arco/') || k === 'arco/priority' || RUN_POLICY_TAGS.includes(k)));
  const rootRunId = parent.rootRunId ?? parent.runId;
  return {
    assetKeys: [...new Set(keep.flatMap((t) => outputKeysOf(t)))],
    includeUpstream: request.includeUpstream ?? false,
    includeDownstream: request.includeDownstream ?? false,
    partition: parent.partition as PartitionSelector | null,
    runKey: `rerun:${parent.runId}:${request.mode}:${selectionHash}`,
    tags: userTags,
    systemTags: { 'arco/parent_run_id': parent.runId, 'arco/root_run_id': rootRunId, 'arco/rerun_mode': request.mode },
    config: parent.config as Json,
    trigger: { kind: 'rerun', detail: { parentRunId: parent.runId, mode: request.mode } },
    parentRunId: parent.runId,
    rootRunId,
    taskSubset: taskKeys,
  };
}

function failedTasks(parent: RunProjection) {
  const keep = parent.tasks.filter((t) => t.status !== 'SUCCEEDED');
  if (keep.length === 0) {
    throw arcoError('RERUN_NOTHING_FAILED', `run ${parent.runId} has no failed, skipped or unfinished task to rerun`, { runId: parent.runId, status: parent.status });
  }
  return keep;
}

function subsetTasks(parent: RunProjection, assetKeys: readonly string[]) {
  const inParent = new Set(parent.assetKeys);
  const outside = assetKeys.filter((k) => !inParent.has(k));
  if (outside.length > 0) {
    throw arcoError('RERUN_SELECTION_OUTSIDE_PARENT', `run ${parent.runId} did not materialize ${outside.join(', ')}`, {
      runId: parent.runId,
      assets: outside,
    });
  }
  const wanted = new Set(assetKeys);
  const keep = parent.tasks.filter((t) => outputKeysOf(t).some((k) => wanted.has(k)));
  if (keep.length === 0) throw arcoError('EMPTY_SELECTION', 'the rerun selection matches none of the parent run\'s assets', { runId: parent.runId });
  return keep;
}
