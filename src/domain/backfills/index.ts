/**
 * Backfills in the domain (SEMANTICS §7): compact selections walked by position, planning units
 * per partitions definition, chunks, and when a chunk may run. Pure: now and dynamic sets come in
 * through the partitions context.
 */
export { addInterval, containsPosition, intervalsSize, type Interval } from './intervals.js';
export {
  selectionExtent,
  nextSelectedPositions,
  isSelectedPosition,
  selectedStretches,
  UNKNOWN_KEYS_NAMED_MAX,
  type UnitSelection,
  type KeyRange,
  type SelectionExtent,
} from './selection.js';
export {
  planBackfillUnits,
  nextChunkSlice,
  checkBackfillLimits,
  chunkSizeOf,
  nonexistentUpstream,
  type BackfillPolicy,
  type BackfillUnit,
  type BackfillPlanningContext,
  type ChunkSlice,
} from './units.js';
export { derivedSelections, DERIVED_PARTITIONS_MAPPED_MAX } from './derive.js';
export { chunkReadiness, type ChunkReadiness, type SkippedPartition, type UnitProgress } from './dependencies.js';
