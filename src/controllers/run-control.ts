/**
 * Commands on one run, decided purely: cancel, and the reports a worker sends about an attempt.
 * Each returns the drafts to append (with the run version it read) or throws a typed error; a
 * rejected command appends nothing.
 */
import { arcoError } from '../domain/errors/index.js';
import { canonicalJson, sha256Hex, type Json } from '../domain/ids/index.js';
import { isTerminalRun, taskKeyOf } from '../domain/runs/index.js';
import { draft, idempotencyKeys, type ErrorInfo, type EventDraft, type MaterializationProvenance } from '../events/index.js';
import type { RunProjection, TaskProjection } from '../fold/index.js';
import { cancelPending, finishAttempt } from './run-coordinator.js';
import { RunDecision } from './run-state.js';
import { settleRun } from './settle.js';

/** @throws RUN_NOT_CANCELABLE when the run already finished. Canceling twice is a no-op. */
export function decideCancel(run: RunProjection, reason: string, nowEpochMs: number): EventDraft[] {
  if (isTerminalRun(run.status)) {
    throw arcoError('RUN_NOT_CANCELABLE', `run ${run.runId} already finished with status ${run.status}`, {
      runId: run.runId,
      status: run.status,
    });
  }
  if (run.status === 'CANCELING') return [];
  const decision = new RunDecision(run, new Date(nowEpochMs).toISOString());
  decision.push(draft('RunCancelRequested', { runId: run.runId, reason }, idempotencyKeys.runCancelRequested(run.runId), run.runId));
  cancelPending(decision, reason);
  settleRun(decision);
  return decision.drafts;
}

export type AttemptReport =
  | { readonly kind: 'started'; readonly runId: string; readonly taskKey: string; readonly attemptId: string; readonly workerId: string }
  | {
      readonly kind: 'finished';
      readonly runId: string;
      readonly taskKey: string;
      readonly attemptId: string;
      readonly outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELED';
      readonly error: ErrorInfo | null;
      readonly durationMs: number;
      /** User-supplied data version and metadata of a successful attempt. */
      readonly dataVersion: string | null;
      readonly metadata: Record<string, Json>;
      /** A multi-asset task's successful attempt: the result of each output, by asset key. */
      readonly outputs?: Readonly<Record<string, OutputReport>>;
      /** What a check's compute returned, for a successful attempt of a check's task. */
      readonly check?: CheckOutcome | null;
    };

/** What a multi-asset's compute returned for one output. */
export interface OutputReport {
  readonly dataVersion: string | null;
  readonly metadata: Record<string, Json>;
}

/** A check's result as its worker reports it (severity defaulted, metadata made JSON). */
export interface CheckOutcome {
  readonly passed: boolean;
  readonly severity: 'WARN' | 'ERROR';
  readonly metadata: Record<string, Json>;
}

export interface ReportContext {
  readonly nowEpochMs: number;
  /** Latest data version of each input of the task (see `derivedDataVersion`); null when never materialized. */
  readonly upstreamDataVersions: Readonly<Record<string, string | null>>;
}

/**
 * Decides what a worker report means. A report for an attempt that is not the task's current one,
 * or for a task that is no longer active, is rejected with ATTEMPT_MISMATCH (a late duplicate of an
 * already recorded finish is dropped by the idempotency gate before it gets here).
 */
export function decideAttemptReport(run: RunProjection, report: AttemptReport, ctx: ReportContext): EventDraft[] {
  const task = run.tasks.find((t) => t.taskKey === report.taskKey);
  const attempt = task?.attempts.find((a) => a.attempt === task.attempt);
  const active = task?.status === 'DISPATCHED' || task?.status === 'RUNNING';
  if (!task || !attempt || attempt.attemptId !== report.attemptId || !active || (report.kind === 'started' && attempt.startedAt !== null)) {
    throw arcoError('ATTEMPT_MISMATCH', `attempt ${report.attemptId} is not the current attempt of task ${report.taskKey} in run ${run.runId}`, {
      runId: run.runId,
      taskKey: report.taskKey,
      attemptId: report.attemptId,
      currentAttemptId: attempt?.attemptId ?? null,
      taskStatus: task?.status ?? null,
    });
  }
  const started = (workerId: string) =>
    draft(
      'TaskAttemptStarted',
      { runId: run.runId, taskKey: task.taskKey, assetKey: task.assetKey, partitionKey: task.partitionKey, attempt: attempt.attempt, attemptId: attempt.attemptId, workerId },
      idempotencyKeys.taskAttemptStarted(run.runId, task.taskKey, attempt.attempt),
      run.runId,
    );
  // One draft and nothing decided from the state it leads to.
  if (report.kind === 'started') return [started(report.workerId)];
  const decision = new RunDecision(run, new Date(ctx.nowEpochMs).toISOString());
  // A remote worker leaves out the started report of an attempt that ends within moments
  // (remote-agent.ts): its start is recorded with its end, so every ended attempt has started.
  if (attempt.startedAt === null) decision.push(started(attempt.workerId));
  if (task.checkName) {
    finishCheck(decision, task, attempt.attempt, report, ctx.nowEpochMs);
    settleRun(decision);
    return decision.drafts;
  }
  decision.push(...finishAttempt(run, task, report.outcome, report.error, report.durationMs, ctx.nowEpochMs));
  if (report.outcome === 'SUCCEEDED') decision.push(...materialized(run, task, attempt.attempt, report, ctx));
  settleRun(decision);
  return decision.drafts;
}

/**
 * A check's task finished. A successful attempt records its evaluation first, so that the fold of
 * the finish already knows whether a failed blocking check holds back the tasks waiting for it. A
 * success without a result (a worker that does not know checks) fails the task.
 */
function finishCheck(decision: RunDecision, task: TaskProjection, attempt: number, report: Extract<AttemptReport, { kind: 'finished' }>, nowEpochMs: number): void {
  const run = decision.run;
  const check = report.check ?? null;
  if (report.outcome !== 'SUCCEEDED' || check === null) {
    const error: ErrorInfo | null =
      report.outcome === 'SUCCEEDED'
        ? { code: 'INVALID_CHECK_RESULT', message: `check ${task.taskKey} finished without a result`, errorClass: null, stack: null, retryable: false }
        : report.error;
    decision.push(...finishAttempt(run, task, report.outcome === 'SUCCEEDED' ? 'FAILED' : report.outcome, error, report.durationMs, nowEpochMs));
    return;
  }
  decision.push(
    draft(
      'AssetCheckEvaluated',
      {
        runId: run.runId,
        taskKey: task.taskKey,
        attempt,
        assetKey: task.assetKey,
        partitionKey: task.partitionKey,
        checkName: task.checkName as string,
        passed: check.passed,
        severity: check.severity,
        metadata: check.metadata,
        blocking: task.checkBlocking ?? false,
        evaluatedAt: new Date(nowEpochMs).toISOString(),
      },
      idempotencyKeys.assetCheckEvaluated(run.runId, task.taskKey, attempt),
      run.runId,
    ),
  );
  decision.push(...finishAttempt(decision.run, task, 'SUCCEEDED', null, report.durationMs, nowEpochMs));
}

/**
 * The data version of a materialization: the user's, or a hash of the code version and the input
 * data versions. Without a code version the run id stands in, so every run yields a new version
 * (as Dagster does). `upstream` maps `taskKeyOf(asset, partition)` (or the asset key alone for an
 * unpartitioned input, or one read as a whole) to its current data version.
 */
export function derivedDataVersion(task: Pick<TaskProjection, 'inputs' | 'codeVersion'>, runId: string, upstream: Readonly<Record<string, string | null>>): string {
  const inputs = task.inputs.map((input) =>
    input.partitionKeys === null
      ? [input.assetKey, upstream[input.assetKey] ?? null]
      : [input.assetKey, input.partitionKeys.map((k) => [k, upstream[taskKeyOf(input.assetKey, k)] ?? null])],
  );
  return sha256Hex(canonicalJson({ codeVersion: task.codeVersion ?? runId, inputs })).slice(0, 24);
}

/**
 * The AssetMaterialized of a successful attempt: one for a plain task; one per output for a
 * multi-asset's task, each with the output's own code version, inputs and result (an output the
 * worker did not report gets a derived data version and no metadata).
 */
function materialized(
  run: RunProjection,
  task: TaskProjection,
  attempt: number,
  report: Extract<AttemptReport, { kind: 'finished' }>,
  ctx: ReportContext,
): EventDraft[] {
  if (!task.outputs) {
    return [materializationDraft(run, task, task.assetKey, task, attempt, report, idempotencyKeys.assetMaterialized(run.runId, task.taskKey, attempt), ctx)];
  }
  return task.outputs.map((output) =>
    materializationDraft(
      run,
      task,
      output.assetKey,
      output,
      attempt,
      report.outputs?.[output.assetKey] ?? { dataVersion: null, metadata: {} },
      idempotencyKeys.outputMaterialized(run.runId, task.taskKey, attempt, output.assetKey),
      ctx,
    ),
  );
}

function materializationDraft(
  run: RunProjection,
  task: TaskProjection,
  assetKey: string,
  source: Pick<TaskProjection, 'inputs' | 'codeVersion'>,
  attempt: number,
  result: OutputReport,
  idempotencyKey: string,
  ctx: ReportContext,
): EventDraft {
  return draft(
    'AssetMaterialized',
    {
      runId: run.runId,
      taskKey: task.taskKey,
      attempt,
      assetKey,
      partitionKey: task.partitionKey,
      dataVersion: result.dataVersion ?? derivedDataVersion(source, run.runId, ctx.upstreamDataVersions),
      codeVersion: source.codeVersion,
      metadata: result.metadata,
      partitionWindow: task.partitionWindow,
      provenance: provenanceOf(source, result.dataVersion !== null, ctx.upstreamDataVersions),
    },
    idempotencyKey,
    run.runId,
  );
}

/** The inputs a materialization was computed from, keyed as `derivedDataVersion` reads them. */
function provenanceOf(task: Pick<TaskProjection, 'inputs' | 'codeVersion'>, userDataVersion: boolean, upstream: Readonly<Record<string, string | null>>): MaterializationProvenance {
  const inputs = task.inputs.flatMap((input): MaterializationProvenance['inputs'] =>
    input.partitionKeys === null
      ? [{ assetKey: input.assetKey, partitionKey: null, dataVersion: upstream[input.assetKey] ?? null }]
      : input.partitionKeys.map((k) => ({ assetKey: input.assetKey, partitionKey: k, dataVersion: upstream[taskKeyOf(input.assetKey, k)] ?? null })),
  );
  return { codeVersion: task.codeVersion, userDataVersion, inputs };
}
