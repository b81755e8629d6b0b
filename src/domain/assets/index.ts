export { isAssetKey, parseAssetKey } from './asset-key.js';
export { AssetGraph, type AssetNode } from './graph.js';
export {
  evaluateFreshness,
  nextFreshnessChangeAtMs,
  parseDurationMinutes,
  formatDurationMinutes,
  type FreshnessPolicy,
  type FreshnessEvaluation,
  type FreshnessState,
} from './freshness.js';
export {
  assessStaleness,
  comparedParentPartitions,
  rollUpStaleStatus,
  COMPARED_PARENT_PARTITIONS_MAX,
  type AssetPartitionRef,
  type AssetPartitionStaleness,
  type ParentPartitions,
  type RecordedMaterialization,
  type RecordedProvenance,
  type StaleCause,
  type StaleCauseCategory,
  type StaleStatus,
  type StalenessAsset,
  type StalenessSource,
} from './staleness.js';
