/**
 * Partitions: definitions (static, time-window, multi, dynamic) as plain data, the questions asked
 * of them, selectors and partition mappings (SEMANTICS §6). Pure: now and dynamic sets come in
 * through `PartitionsContext`.
 */
export {
  MULTI_KEY_SEPARATOR,
  FORBIDDEN_KEY_PARTS,
  forbiddenKeyPart,
  sameDefinition,
  type PartitionsDefinition,
  type StaticPartitionsDefinition,
  type TimeWindowPartitionsDefinition,
  type MultiPartitionsDefinition,
  type DynamicPartitionsDefinition,
  type DimensionPartitionsDefinition,
  type PartitionDimension,
  type PartitionsContext,
  type TimeWindow,
} from './definition.js';
export {
  DEFAULT_DATE_FMT,
  DEFAULT_HOURLY_FMT,
  cadenceCron,
  buildTimeWindowDefinition,
  buildStaticDefinition,
  buildDynamicDefinition,
  buildMultiDefinition,
  type PartitionsCadence,
  type CadenceOffsets,
  type TimeWindowInput,
} from './build.js';
export {
  partitionKeys,
  partitionCount,
  hasPartitionKey,
  partitionIndex,
  partitionKeyAt,
  partitionKeysBetween,
  namesPartition,
  partitionRangeOf,
  timeWindowForKey,
} from './operations.js';
export { strftime, strptime, type ParsedTime } from './strftime.js';
export {
  parsePartitionSelector,
  resolvePartitionSelector,
  resolveSelectorWithOpenWindows,
  canonicalPartitionSelector,
  selectorPositions,
  parseStatusSelector,
  parsePartitionStatuses,
  PARTITION_STATUSES,
  STATUS_SELECTOR_PREFIX,
  type PartitionStatus,
  type PartitionSelector,
  type CanonicalPartitionSelector,
} from './selector.js';
export {
  defaultPartitionMapping,
  validatePartitionMapping,
  inferDimensionLink,
  type PartitionMapping,
  type DimensionLink,
  type DimensionMapping,
} from './mapping.js';
export {
  upstreamPartitions,
  upstreamPartitionKeys,
  downstreamPartitionKeys,
  nonexistentUpstreamError,
  type UpstreamPartitions,
} from './mapping-keys.js';
export {
  addWindow,
  removeWindow,
  addKey,
  removeKey,
  normalizeIndexRanges,
  indexRangesOf,
  unionIndexRanges,
  subtractIndexRanges,
  intersectIndexRanges,
  complementIndexRanges,
  countIndexRanges,
  timeWindowSpanPositions,
  partitionKeysAt,
  type WindowSpan,
  type IndexRange,
} from './partition-subset.js';
