/**
 * Evaluating automation conditions (pure): given the assets with a condition, each asset
 * partition's status, the previous evaluation's memory and now, the truth of every node of every
 * condition for every partition, and the asset partitions to request.
 *
 * As Dagster: an `and` evaluates its children in order, each on the partitions the earlier ones
 * left true (so `in_latest_time_window` first confines the rest to the latest window); `or` and
 * `not` evaluate their children on the same partitions. Stateful nodes (`since`, `newlyTrue`)
 * remember the partitions they were true for (or their child was) on the partitions they were
 * evaluated on; the memory belongs to the asset whose condition holds the node, and is dropped
 * when the condition changes (the next evaluation is an initial one). Dependency operators map
 * each partition to the dependency partitions it reads (the definitions' partition mappings),
 * evaluate their child there, and map the answer back. Assets are evaluated in dependency order,
 * so `willBeRequested` on a dependency knows this evaluation's requests; it only counts where the
 * dependency shares its child's partitions definition (both can run in one run), as Dagster's.
 */
import { firstTickAtOrAfter, parseCronSchedule, tickSequence, type TickSequence } from '../cron/index.js';
import { sameDefinition, upstreamPartitions, MULTI_KEY_SEPARATOR, type PartitionMapping, type PartitionsContext, type PartitionsDefinition } from '../partitions/index.js';
import { childrenOf, conditionHash, describeCondition, type AutomationCondition } from './condition.js';

/** The one "partition" of an unpartitioned asset. */
export const UNPARTITIONED = '';
/** Partition keys an evaluation records per node (the count is always recorded). */
export const NODE_KEYS_RECORDED_MAX = 20;

export interface AutomationAssetStatus {
  /** The partitions that exist now, in definition order (`[UNPARTITIONED]` for an unpartitioned asset). */
  readonly partitionKeys: readonly string[];
  /** The ledger sequence of each partition's latest materialization. */
  readonly materializedSequence: ReadonlyMap<string, number>;
  /** Partitions a run that has not ended is materializing. */
  readonly inProgress: ReadonlySet<string>;
}

export interface AutomationGraph {
  /** Assets with a condition, in dependency order. */
  readonly order: readonly string[];
  readonly conditionOf: (assetKey: string) => AutomationCondition | null;
  readonly depsOf: (assetKey: string) => readonly string[];
  readonly partitionsOf: (assetKey: string) => PartitionsDefinition | null;
  readonly mappingOf: (downstream: string, upstream: string) => PartitionMapping;
}

/** What one evaluation leaves for the next, per asset with a condition. */
export interface AssetMemory {
  readonly conditionHash: string;
  /** Partitions requested by the evaluation. */
  readonly requested: readonly string[];
  /** Stateful nodes' partitions by node path (`path@dependency` when evaluated on a dependency). */
  readonly state: Readonly<Record<string, readonly string[]>>;
}

export interface AutomationCursor {
  readonly evaluationId: number;
  readonly evaluatedAtMs: number;
  /** Materializations up to this ledger sequence were seen by that evaluation. */
  readonly ledgerSequence: number;
  readonly assets: Readonly<Record<string, AssetMemory>>;
}

export interface AutomationEvaluationInput {
  readonly graph: AutomationGraph;
  /** Status of every asset with a condition and of its dependencies. */
  readonly status: (assetKey: string) => AutomationAssetStatus;
  /** Whether the latest result of one of the asset's checks failed (no check results: false). */
  readonly checkFailed: (assetKey: string) => boolean;
  readonly partitions: PartitionsContext;
  readonly previous: AutomationCursor | null;
  /** The ledger sequence the statuses were read at (or after). */
  readonly ledgerSequence: number;
  readonly nowEpochMs: number;
}

export interface NodeTruth {
  /** `0` is the root, `0.2.1` the second child of the third child. */
  readonly path: string;
  readonly label: string;
  readonly kind: AutomationCondition['kind'];
  /** Partitions the node was evaluated on, and for how many it was true. */
  readonly candidateCount: number;
  readonly trueCount: number;
  /** The first true partitions in definition order (at most NODE_KEYS_RECORDED_MAX; `''` is an unpartitioned asset). */
  readonly truePartitionKeys: readonly string[];
}

export interface AssetEvaluation {
  readonly assetKey: string;
  readonly conditionHash: string;
  /** Partitions to request, in definition order. */
  readonly requested: readonly string[];
  readonly nodes: readonly NodeTruth[];
  readonly memory: AssetMemory;
}

type Keys = Set<string>;

interface Scope {
  readonly root: string;
  readonly subject: string;
  /** The asset whose dependency `subject` is (null at the root). */
  readonly downstream: string | null;
  readonly previousState: Readonly<Record<string, readonly string[]>>;
  readonly initial: boolean;
  readonly state: Record<string, string[]>;
  readonly nodes: NodeTruth[] | null;
}

class Evaluator {
  private readonly requestedNow = new Map<string, Keys>();
  private readonly crons = new Map<string, TickSequence[]>();

  constructor(private readonly input: AutomationEvaluationInput) {}

  evaluateAll(): AssetEvaluation[] {
    const results: AssetEvaluation[] = [];
    for (const assetKey of this.input.graph.order) {
      const condition = this.input.graph.conditionOf(assetKey);
      if (condition === null) continue;
      const hash = conditionHash(condition);
      const memory = this.input.previous?.assets[assetKey];
      const initial = memory === undefined || memory.conditionHash !== hash;
      const scope: Scope = {
        root: assetKey,
        subject: assetKey,
        downstream: null,
        previousState: initial ? {} : memory.state,
        initial,
        state: {},
        nodes: [],
      };
      const candidate = new Set(this.input.status(assetKey).partitionKeys);
      const requested = this.ordered(assetKey, this.evaluate(condition, '0', candidate, scope));
      this.requestedNow.set(assetKey, new Set(requested));
      results.push({ assetKey, conditionHash: hash, requested, nodes: scope.nodes ?? [], memory: { conditionHash: hash, requested, state: scope.state } });
    }
    return results;
  }

  private evaluate(c: AutomationCondition, path: string, candidate: Keys, scope: Scope): Keys {
    const result = this.evaluateNode(c, path, candidate, scope);
    if (scope.nodes !== null) {
      const keys = this.ordered(scope.subject, result);
      scope.nodes.push({
        path,
        label: describeCondition(c),
        kind: c.kind,
        candidateCount: candidate.size,
        trueCount: keys.length,
        truePartitionKeys: keys.slice(0, NODE_KEYS_RECORDED_MAX),
      });
    }
    return result;
  }

  private evaluateNode(c: AutomationCondition, path: string, candidate: Keys, scope: Scope): Keys {
    const children = childrenOf(c);
    const at = (i: number) => `${path}.${i}`;
    const stateKey = scope.downstream === null ? path : `${path}@${scope.subject}`;
    switch (c.kind) {
      case 'and': {
        let remaining = candidate;
        children.forEach((child, i) => {
          remaining = intersect(remaining, this.evaluate(child, at(i), remaining, scope));
        });
        return remaining;
      }
      case 'or': {
        const union = new Set<string>();
        children.forEach((child, i) => this.evaluate(child, at(i), candidate, scope).forEach((k) => union.add(k)));
        return union;
      }
      case 'not':
        return minus(candidate, this.evaluate(c.child, at(0), candidate, scope));
      case 'newlyTrue': {
        const now = this.evaluate(c.child, at(0), candidate, scope);
        const before = new Set(scope.previousState[stateKey] ?? []);
        scope.state[stateKey] = this.ordered(scope.subject, now);
        return minus(now, before);
      }
      case 'since': {
        const trigger = this.evaluate(c.trigger, at(0), candidate, scope);
        const reset = this.evaluate(c.reset, at(1), candidate, scope);
        const result = new Set([...(scope.previousState[stateKey] ?? [])].filter((k) => candidate.has(k)));
        trigger.forEach((k) => result.add(k));
        reset.forEach((k) => result.delete(k));
        scope.state[stateKey] = this.ordered(scope.subject, result);
        return result;
      }
      case 'anyDeps':
      case 'allDeps':
        return this.evaluateDeps(c.kind, c.child, at(0), candidate, scope);
      default:
        return this.operand(c, candidate, scope);
    }
  }

  private operand(c: AutomationCondition, candidate: Keys, scope: Scope): Keys {
    const { previous } = this.input;
    const status = this.input.status(scope.subject);
    const where = (test: (key: string) => boolean): Keys => new Set([...candidate].filter(test));
    switch (c.kind) {
      case 'missing':
        return where((k) => !status.materializedSequence.has(k));
      case 'newlyUpdated':
        return previous === null ? new Set() : where((k) => (status.materializedSequence.get(k) ?? 0) > previous.ledgerSequence);
      case 'inLatestTimeWindow': {
        const latest = latestTimeWindowKeys(this.input.graph.partitionsOf(scope.subject), status.partitionKeys);
        return latest === null ? new Set(candidate) : where((k) => latest.has(k));
      }
      case 'inProgress':
        return where((k) => status.inProgress.has(k));
      case 'checkFailed':
        return this.input.checkFailed(scope.subject) ? new Set(candidate) : new Set();
      case 'newlyRequested': {
        const requested = new Set(previous?.assets[scope.subject]?.requested ?? []);
        return where((k) => requested.has(k));
      }
      case 'willBeRequested': {
        const requested = this.requestedNow.get(scope.subject);
        if (requested === undefined || scope.downstream === null) return new Set();
        const graph = this.input.graph;
        const together = sameDefinition(graph.partitionsOf(scope.subject) ?? undefined, graph.partitionsOf(scope.downstream) ?? undefined);
        return together ? where((k) => requested.has(k)) : new Set();
      }
      case 'initialEvaluation':
        return scope.initial ? new Set(candidate) : new Set();
      case 'cronTickPassed':
        return previous !== null && this.tickBetween(c.cron, c.timezone, previous.evaluatedAtMs, this.input.nowEpochMs) ? new Set(candidate) : new Set();
      default:
        return new Set();
    }
  }

  /** Whether a tick of the cron falls in `(afterMs, atMs]`. */
  private tickBetween(cron: string, timezone: string, afterMs: number, atMs: number): boolean {
    const key = `${timezone}\n${cron}`;
    let sequences = this.crons.get(key);
    if (sequences === undefined) {
      const schedule = parseCronSchedule(cron);
      sequences = schedule.expressions.map((e) => tickSequence(e, timezone));
      this.crons.set(key, sequences);
    }
    return sequences.some((s) => firstTickAtOrAfter(s, afterMs + 1) <= atMs);
  }

  private evaluateDeps(kind: 'anyDeps' | 'allDeps', child: AutomationCondition, path: string, candidate: Keys, scope: Scope): Keys {
    const deps = this.input.graph.depsOf(scope.subject);
    if (deps.length === 0) return kind === 'allDeps' ? new Set(candidate) : new Set();
    let result: Keys | null = null;
    for (const dep of deps) {
      const reads = this.depKeys(scope.subject, dep, candidate);
      const depCandidate = new Set<string>();
      reads.forEach((keys) => keys.forEach((k) => depCandidate.add(k)));
      const depScope: Scope = { ...scope, subject: dep, downstream: scope.subject, nodes: null };
      const depTrue = this.evaluate(child, path, depCandidate, depScope);
      const matches = new Set([...candidate].filter((k) => (reads.get(k) ?? []).some((u) => depTrue.has(u))));
      result = result === null ? matches : kind === 'anyDeps' ? union(result, matches) : intersect(result, matches);
    }
    return result ?? new Set();
  }

  /** The existing partitions of `dep` each candidate partition of `subject` reads. */
  private depKeys(subject: string, dep: string, candidate: Keys): Map<string, readonly string[]> {
    const graph = this.input.graph;
    const upDefinition = graph.partitionsOf(dep);
    const downDefinition = graph.partitionsOf(subject);
    const existing = new Set(this.input.status(dep).partitionKeys);
    const reads = new Map<string, readonly string[]>();
    for (const key of candidate) {
      if (upDefinition === null) {
        reads.set(key, [UNPARTITIONED]);
        continue;
      }
      try {
        const mapped = upstreamPartitions(graph.mappingOf(subject, dep), upDefinition, downDefinition ?? undefined, downDefinition === null ? [] : [key], this.input.partitions);
        reads.set(key, mapped.keys.filter((k) => existing.has(k)));
      } catch {
        // A partition the mapping cannot place reads nothing: the dependency operators are false for it.
        reads.set(key, []);
      }
    }
    return reads;
  }

  private ordered(assetKey: string, keys: Keys): string[] {
    if (keys.size === 0) return [];
    return this.input.status(assetKey).partitionKeys.filter((k) => keys.has(k));
  }
}

/** The latest time window's keys, or null when the asset has no time dimension (every partition counts). */
export function latestTimeWindowKeys(definition: PartitionsDefinition | null, keys: readonly string[]): Set<string> | null {
  if (definition === null) return null;
  if (definition.kind === 'timeWindow') return new Set(keys.length === 0 ? [] : [keys[keys.length - 1] as string]);
  if (definition.kind !== 'multi') return null;
  const dimension = definition.dimensions.findIndex((d) => d.definition.kind === 'timeWindow');
  if (dimension < 0) return null;
  const last = keys[keys.length - 1];
  if (last === undefined) return new Set();
  // Keys nest the later dimension fastest, so the last key carries the latest time value either way.
  const latest = last.split(MULTI_KEY_SEPARATOR)[dimension];
  return new Set(keys.filter((k) => k.split(MULTI_KEY_SEPARATOR)[dimension] === latest));
}

function intersect(a: Keys, b: Keys): Keys {
  return new Set([...a].filter((k) => b.has(k)));
}
function union(a: Keys, b: Keys): Keys {
  return new Set([...a, ...b]);
}
function minus(a: Keys, b: Keys): Keys {
  return new Set([...a].filter((k) => !b.has(k)));
}

/** Every asset with a condition, evaluated in dependency order. */
export function evaluateAutomationConditions(input: AutomationEvaluationInput): AssetEvaluation[] {
  return new Evaluator(input).evaluateAll();
}
