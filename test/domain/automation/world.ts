/**
 * A small world for the pure evaluator: assets with partitions, deps and conditions, what is
 * materialized (at which ledger sequence) and in progress, and a clock; `evaluate()` runs one
 * evaluation and keeps its memory for the next, as the daemon does.
 */
import {
  evaluateAutomationConditions,
  UNPARTITIONED,
  type AssetEvaluation,
  type AutomationCondition,
  type AutomationCursor,
} from '../../../src/domain/automation/index.js';
import { defaultPartitionMapping, partitionKeys, type PartitionsDefinition } from '../../../src/domain/partitions/index.js';

export interface WorldAsset {
  readonly key: string;
  readonly deps?: readonly string[];
  readonly partitions?: PartitionsDefinition;
  readonly condition?: AutomationCondition;
}

export class World {
  nowEpochMs: number;
  sequence = 0;
  previous: AutomationCursor | null = null;
  readonly materialized = new Map<string, Map<string, number>>();
  readonly inProgress = new Map<string, Set<string>>();
  readonly failedChecks = new Set<string>();
  private evaluations = 0;

  constructor(
    private readonly assets: readonly WorldAsset[],
    now: string,
  ) {
    this.nowEpochMs = Date.parse(now);
  }

  at(now: string): this {
    this.nowEpochMs = Date.parse(now);
    return this;
  }

  /** Records a materialization of each `asset` partition (`''` or no key: unpartitioned). */
  materialize(asset: string, ...keys: string[]): this {
    const partitions = this.materialized.get(asset) ?? new Map<string, number>();
    for (const key of keys.length === 0 ? [UNPARTITIONED] : keys) partitions.set(key, ++this.sequence);
    this.materialized.set(asset, partitions);
    return this;
  }

  running(asset: string, ...keys: string[]): this {
    this.inProgress.set(asset, new Set(keys.length === 0 ? [UNPARTITIONED] : keys));
    return this;
  }

  done(asset: string): this {
    this.inProgress.delete(asset);
    return this;
  }

  private asset(key: string): WorldAsset {
    const asset = this.assets.find((a) => a.key === key);
    if (!asset) throw new Error(`no asset ${key}`);
    return asset;
  }

  /** One evaluation; its memory becomes the next one's `previous`. */
  evaluate(): Map<string, AssetEvaluation> {
    const ctx = { nowEpochMs: this.nowEpochMs, dynamicKeys: () => [] };
    const order = this.assets.filter((a) => a.condition !== undefined).map((a) => a.key);
    const results = evaluateAutomationConditions({
      graph: {
        order,
        conditionOf: (key) => this.asset(key).condition ?? null,
        depsOf: (key) => this.asset(key).deps ?? [],
        partitionsOf: (key) => this.asset(key).partitions ?? null,
        mappingOf: (down, up) => defaultPartitionMapping(this.asset(up).partitions, this.asset(down).partitions),
      },
      status: (key) => {
        const definition = this.asset(key).partitions;
        return {
          partitionKeys: definition === undefined ? [UNPARTITIONED] : [...partitionKeys(definition, ctx)],
          materializedSequence: this.materialized.get(key) ?? new Map(),
          inProgress: this.inProgress.get(key) ?? new Set(),
        };
      },
      checkFailed: (key) => this.failedChecks.has(key),
      partitions: ctx,
      previous: this.previous,
      ledgerSequence: this.sequence,
      nowEpochMs: this.nowEpochMs,
    });
    this.evaluations += 1;
    this.previous = {
      evaluationId: this.evaluations,
      evaluatedAtMs: this.nowEpochMs,
      ledgerSequence: this.sequence,
      assets: Object.fromEntries(results.map((r) => [r.assetKey, r.memory])),
    };
    return new Map(results.map((r) => [r.assetKey, r]));
  }

  /** The partitions each asset requests in one evaluation (assets requesting nothing left out). */
  requests(): Record<string, readonly string[]> {
    return Object.fromEntries([...this.evaluate()].filter(([, r]) => r.requested.length > 0).map(([k, r]) => [k, r.requested]));
  }
}

/** The truth of the node labelled `label` in an asset's evaluation: its true partitions. */
export function nodeTrue(result: AssetEvaluation | undefined, label: string): readonly string[] {
  const node = result?.nodes.find((n) => n.label === label);
  if (!node) throw new Error(`no node "${label}" in ${result?.nodes.map((n) => n.label).join(', ')}`);
  return node.truePartitionKeys;
}
