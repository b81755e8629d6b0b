/** Builders for partition status tests: materializations and final failures of asset partitions. */
import { DEFAULT_WORKSPACE, EVENT_VERSION, draft, idempotencyKeys, type EventDraft, type PartitionWindow, type StoredEvent } from '../../src/events/index.js';
import { taskKeyOf } from '../../src/domain/runs/index.js';

export interface PartitionRef {
  readonly assetKey: string;
  readonly partitionKey: string | null;
  readonly window?: PartitionWindow | null;
  readonly runId: string;
  readonly attempt?: number;
}

/** The window of the `index`-th UTC day from 2024-01-01 (what the run plan stamps on daily tasks). */
export function dayWindow(index: number): PartitionWindow {
  const startMs = Date.parse('2024-01-01T00:00:00Z') + index * 86_400_000;
  return { startMs, endMs: startMs + 86_400_000 };
}

/** The key of that day (`2024-01-01` for 0). */
export function dayKey(index: number): string {
  return new Date(dayWindow(index).startMs).toISOString().slice(0, 10);
}

export function materializedDraft(p: PartitionRef, dataVersion = 'v1'): EventDraft {
  const taskKey = taskKeyOf(p.assetKey, p.partitionKey);
  const attempt = p.attempt ?? 1;
  return draft(
    'AssetMaterialized',
    {
      runId: p.runId,
      taskKey,
      attempt,
      assetKey: p.assetKey,
      partitionKey: p.partitionKey,
      dataVersion,
      codeVersion: null,
      metadata: {},
      partitionWindow: p.window ?? null,
      provenance: null,
    },
    idempotencyKeys.assetMaterialized(p.runId, taskKey, attempt),
    p.runId,
  );
}

export function finishedDraft(p: PartitionRef, resolution: 'FAILED' | 'RETRY_WAIT' | 'SUCCEEDED' = 'FAILED'): EventDraft {
  const taskKey = taskKeyOf(p.assetKey, p.partitionKey);
  const attempt = p.attempt ?? 1;
  const failed = resolution !== 'SUCCEEDED';
  return draft(
    'TaskAttemptFinished',
    {
      runId: p.runId,
      taskKey,
      assetKey: p.assetKey,
      partitionKey: p.partitionKey,
      attempt,
      attemptId: `att_${p.runId}_${taskKey}_${attempt}`,
      outcome: failed ? 'FAILED' : 'SUCCEEDED',
      error: failed ? { code: 'USER_CODE_ERROR', message: 'boom', errorClass: 'Error', stack: null, retryable: true } : null,
      durationMs: 5,
      resolution,
      retryAt: resolution === 'RETRY_WAIT' ? '2024-06-01T00:00:00.000Z' : null,
      infrastructureRetry: false,
      partitionWindow: p.window ?? null,
    },
    idempotencyKeys.taskAttemptFinished(p.runId, taskKey, attempt),
    p.runId,
  );
}

/** Drafts as the fold sees them, numbered from `firstSequence`. */
export function asStored(drafts: readonly EventDraft[], firstSequence = 1, at = '2024-06-01T00:00:00.000Z'): StoredEvent[] {
  return drafts.map(
    (d, i) => ({ ...d, eventId: `evt_${firstSequence + i}`, version: EVENT_VERSION, at, workspace: DEFAULT_WORKSPACE, causationId: null, sequence: firstSequence + i }) as StoredEvent,
  );
}
