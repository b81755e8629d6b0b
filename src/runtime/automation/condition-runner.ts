/**
 * The automation condition sensor in the shell: when `default_automation_condition_sensor` is
 * running and due (its 30 s interval, kept in its sensor state like any sensor's), read what the
 * conditions need (each asset partition's latest materialization, the runs in progress, the
 * previous evaluation's memory), decide (pure), and append the batch on the condition that the
 * sensor's state version is unchanged. Start and stop are the sensor's (`arco sensor start|stop`).
 *
 * Exactly once: the batch (runs, evaluation record, sensor record) is atomic and numbered. A crash
 * before the append leaves nothing, and the next evaluation takes the same number; a crash after it
 * leaves the evaluation's memory, so the next one knows what was requested (`newlyRequested`,
 * `since … handled`) and never requests it again. Another daemon that evaluated first makes the
 * append fail its condition, and this evaluation is dropped.
 */
import { decideAutomationEvaluation, sensorDueAtMs } from '../../controllers/index.js';
import {
  AUTOMATION_SENSOR_NAME,
  UNPARTITIONED,
  type AutomationAssetStatus,
  type AutomationCursor,
  type AutomationGraph,
} from '../../domain/automation/index.js';
import { isArcoError } from '../../domain/errors/index.js';
import { partitionKeys, type PartitionsContext } from '../../domain/partitions/index.js';
import { isTerminalTask } from '../../domain/runs/index.js';
import type { AutomationCursorRow, SensorState } from '../../fold/index.js';
import { commit, type RuntimeContext } from '../context.js';
import type { LoadedDefinitions } from '../definitions-loader.js';
import { partitionsContextAt } from '../partitions-context.js';
import type { CrashHook } from './schedule-runner.js';

/** The checks part supplies the latest check results; until it is wired no check has failed. */
export type CheckFailedLookup = (assetKey: string) => boolean | Promise<boolean>;

export interface AutomationConditionReport {
  readonly evaluated: boolean;
  readonly evaluationId: number | null;
  readonly status: 'SUCCESS' | 'SKIPPED' | 'FAILURE' | 'STALE' | null;
  readonly runIds: readonly string[];
}

const NOT_EVALUATED: AutomationConditionReport = { evaluated: false, evaluationId: null, status: null, runIds: [] };

/** Built once per loaded definitions: the daemon asks every iteration whether the sensor is due. */
const graphs = new WeakMap<LoadedDefinitions, AutomationGraph>();

/** The assets with a condition in dependency order, and the graph questions the evaluator asks. */
function automationGraph(defs: LoadedDefinitions): AutomationGraph {
  let graph = graphs.get(defs);
  if (graph === undefined) graphs.set(defs, (graph = buildGraph(defs)));
  return graph;
}

function buildGraph(defs: LoadedDefinitions): AutomationGraph {
  const conditioned = [...defs.assets.values()].filter((a) => a.automation !== null).map((a) => a.key);
  return {
    order: defs.graph.inDependencyOrder(conditioned),
    conditionOf: (key) => defs.assets.get(key)?.automation ?? null,
    depsOf: (key) => defs.assets.get(key)?.deps ?? [],
    partitionsOf: (key) => defs.partitionsOf(key),
    mappingOf: (down, up) => defs.mappingOf(down, up),
  };
}

function cursorOf(row: AutomationCursorRow | undefined): AutomationCursor | null {
  if (row === undefined) return null;
  return { evaluationId: row.evaluationId, evaluatedAtMs: Date.parse(row.evaluatedAt), ledgerSequence: row.ledgerSequence, assets: row.assets };
}

/** Status of the assets with a condition and of their dependencies, read now. */
async function readStatuses(ctx: RuntimeContext, graph: AutomationGraph, partitions: PartitionsContext): Promise<Map<string, AutomationAssetStatus>> {
  const keys = new Set<string>();
  for (const key of graph.order) {
    keys.add(key);
    graph.depsOf(key).forEach((d) => keys.add(d));
  }
  const active = await ctx.store.runs.listActiveRuns();
  const statuses = new Map<string, AutomationAssetStatus>();
  for (const key of keys) {
    const definition = graph.partitionsOf(key);
    const materializedSequence = new Map<string, number>();
    for (const state of await ctx.store.assets.listAssetPartitions(key)) {
      if (state.lastMaterialization) materializedSequence.set(state.partitionKey ?? UNPARTITIONED, state.lastMaterialization.sequence);
    }
    const inProgress = new Set<string>();
    for (const run of active) {
      for (const task of run.tasks) {
        if (task.assetKey === key && !isTerminalTask(task.status)) inProgress.add(task.partitionKey ?? UNPARTITIONED);
      }
    }
    statuses.set(key, { partitionKeys: definition === null ? [UNPARTITIONED] : [...partitionKeys(definition, partitions)], materializedSequence, inProgress });
  }
  return statuses;
}

/**
 * Evaluates the conditions once if the sensor is running and due at `nowEpochMs` (or always, with
 * `force`), and appends the result.
 */
export async function evaluateAutomationConditionSensor(
  ctx: RuntimeContext,
  options: { readonly nowEpochMs: number; readonly crash?: CrashHook; readonly checkFailed?: CheckFailedLookup },
): Promise<AutomationConditionReport> {
  const graph = automationGraph(ctx.definitions);
  if (graph.order.length === 0) return NOT_EVALUATED;
  const state: SensorState | undefined = await ctx.store.automation.getSensorState(AUTOMATION_SENSOR_NAME);
  const dueAt = state === undefined ? null : sensorDueAtMs(state);
  if (state === undefined || dueAt === null || dueAt > options.nowEpochMs) return NOT_EVALUATED;
  // Read first: a materialization appended while we read is newer than the cursor, so the next
  // evaluation sees it as newly updated rather than missing it.
  const ledgerSequence = await ctx.store.ledger.lastSequence();
  const previous = cursorOf(await ctx.store.automation.getAutomationCursor());
  const partitions = await partitionsContextAt(ctx, options.nowEpochMs);
  const statuses = await readStatuses(ctx, graph, partitions);
  const failed = new Map<string, boolean>();
  for (const key of graph.order) failed.set(key, options.checkFailed ? await options.checkFailed(key) : false);
  const now = ctx.clock.now();
  const decision = decideAutomationEvaluation({
    evaluation: {
      graph,
      status: (key) => statuses.get(key) ?? { partitionKeys: [], materializedSequence: new Map(), inProgress: new Set() },
      checkFailed: (key) => failed.get(key) ?? false,
      partitions,
      previous,
      ledgerSequence,
      nowEpochMs: options.nowEpochMs,
    },
    previousEvaluationId: previous?.evaluationId ?? 0,
    sensorState: state,
    planning: { ...ctx.definitions, partitions },
    ids: ctx.ids,
    startedAtMs: options.nowEpochMs,
    nowEpochMs: Math.max(now, options.nowEpochMs),
  });
  await options.crash?.('automation:decided');
  try {
    await commit(ctx, decision.drafts, Math.max(now, options.nowEpochMs), [decision.expect]);
  } catch (error) {
    // Another daemon (or an operator's start/stop) changed the sensor meanwhile: its evaluation stands.
    if (isArcoError(error) && error.code === 'CONCURRENT_MODIFICATION') return { evaluated: true, evaluationId: decision.evaluationId, status: 'STALE', runIds: [] };
    throw error;
  }
  await options.crash?.('automation:appended');
  const runIds = decision.drafts.flatMap((d) => (d.type === 'RunRequested' ? [(d.payload as { runId: string }).runId] : []));
  return { evaluated: true, evaluationId: decision.evaluationId, status: decision.status, runIds };
}

/** The daemon's part: at most one evaluation in flight. */
export class AutomationConditionRunner {
  private pass: Promise<void> | undefined;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly options: { readonly crash?: CrashHook; readonly checkFailed?: CheckFailedLookup; readonly onProblem: (error: unknown) => void },
  ) {}

  /** Starts an evaluation when due and none is in flight; returns at once. */
  launchDue(nowEpochMs: number): void {
    if (this.pass !== undefined) return;
    const pass = evaluateAutomationConditionSensor(this.ctx, { nowEpochMs, ...(this.options.crash ? { crash: this.options.crash } : {}), ...(this.options.checkFailed ? { checkFailed: this.options.checkFailed } : {}) }).then(
      () => undefined,
      (error: unknown) => this.options.onProblem(error),
    );
    this.pass = pass;
    void pass.finally(() => {
      if (this.pass === pass) this.pass = undefined;
    });
  }

  async settled(): Promise<void> {
    while (this.pass !== undefined) await this.pass;
  }
}
