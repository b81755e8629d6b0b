/**
 * Time-window mapping arithmetic (Dagster's TimeWindowPartitionMapping), in window indexes.
 *
 * Upstream of a downstream window `[s, e)`: shift s by `startOffset` and e by `endOffset`
 * downstream windows; a shift that leaves the upstream definition's existing range is clamped to
 * it (so `(-1, -1)` on the first partition reads nothing rather than failing); then every
 * upstream window overlapping `[s', e')` is read. Overlapping windows outside the upstream's
 * existing partitions (before its start, not yet ended, past its end) are "nonexistent": reported,
 * or dropped with `allowNonexistentUpstream`.
 *
 * Downstream of an upstream window: the downstream windows overlapping it, shifted the opposite
 * way (start by `-endOffset`, end by `-startOffset`), clamped to the downstream's existing range;
 * nonexistent downstream windows are dropped.
 */
import type { PartitionsContext, TimeWindowPartitionsDefinition } from './definition.js';
import {
  compileTimeWindow,
  keyOfTick,
  tickAtIndex,
  timeWindowCount,
  timeWindowIndexOfKey,
  windowIndexAtOrAfter,
  windowIndexContaining,
  type CompiledTimeWindow,
} from './time-window.js';
import { firstTickAtOrAfter } from '../cron/index.js';

export interface TimeWindowOffsets {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly allowNonexistentUpstream: boolean;
}

export const OVERLAP_ONLY: TimeWindowOffsets = { startOffset: 0, endOffset: 0, allowNonexistentUpstream: false };

/** Clamps a shifted boundary into `[low, high]` the way the shift pushed it (Dagster's bounds rule). */
function clampShift(value: number, shift: number, low: number, high: number): number {
  if (shift < 0) return Math.max(value, low);
  if (shift > 0) return Math.min(value, high);
  return value;
}

export interface TimeWindowUpstream {
  /** Indexes of existing upstream windows, ascending. */
  readonly indexes: number[];
  /** Keys of required upstream windows that do not exist, in time order. */
  readonly nonexistentKeys: string[];
}

export function timeWindowUpstream(
  offsets: TimeWindowOffsets,
  upstream: TimeWindowPartitionsDefinition,
  downstream: TimeWindowPartitionsDefinition,
  downstreamKeys: readonly string[],
  ctx: PartitionsContext,
): TimeWindowUpstream {
  const up = compileTimeWindow(upstream);
  const down = compileTimeWindow(downstream);
  const upCount = timeWindowCount(up, ctx.nowEpochMs);
  const upStartMs = up.firstTickMs;
  const upEndMs = upCount > 0 ? tickAtIndex(up, upCount) : undefined;
  const existing = new Set<number>();
  const nonexistent = new Map<number, string>();
  for (const key of downstreamKeys) {
    const index = timeWindowIndexOfKey(down, key);
    let startMs = tickAtIndex(down, index + offsets.startOffset);
    let endMs = tickAtIndex(down, index + 1 + offsets.endOffset);
    if (upEndMs !== undefined) {
      startMs = clampShift(startMs, offsets.startOffset, upStartMs, upEndMs);
      endMs = clampShift(endMs, offsets.endOffset, upStartMs, upEndMs);
    }
    if (startMs >= endMs) continue;
    collectOverlapping(up, startMs, endMs, (upIndex, tickMs) => {
      if (upIndex >= 0 && upIndex < upCount) existing.add(upIndex);
      else if (!offsets.allowNonexistentUpstream && !nonexistent.has(tickMs)) nonexistent.set(tickMs, keyOfTick(up, tickMs));
    });
  }
  return {
    indexes: [...existing].sort((a, b) => a - b),
    nonexistentKeys: [...nonexistent.entries()].sort(([a], [b]) => a - b).map(([, key]) => key),
  };
}

/** Visits the windows of `c` overlapping `[startMs, endMs)`, stepping tick to tick. */
function collectOverlapping(c: CompiledTimeWindow, startMs: number, endMs: number, visit: (index: number, tickMs: number) => void): void {
  const first = windowIndexContaining(c, startMs);
  const last = windowIndexAtOrAfter(c, endMs);
  let tickMs = tickAtIndex(c, first);
  for (let index = first; index < last; index += 1) {
    visit(index, tickMs);
    tickMs = firstTickAtOrAfter(c.sequence, tickMs + 1);
  }
}

/** Indexes of existing downstream windows fed by the given upstream keys, ascending. */
export function timeWindowDownstream(
  offsets: TimeWindowOffsets,
  upstream: TimeWindowPartitionsDefinition,
  downstream: TimeWindowPartitionsDefinition,
  upstreamKeys: readonly string[],
  ctx: PartitionsContext,
): number[] {
  const up = compileTimeWindow(upstream);
  const down = compileTimeWindow(downstream);
  const downCount = timeWindowCount(down, ctx.nowEpochMs);
  const found = new Set<number>();
  for (const key of upstreamKeys) {
    const index = timeWindowIndexOfKey(up, key);
    const first = windowIndexContaining(down, tickAtIndex(up, index));
    const last = windowIndexAtOrAfter(down, tickAtIndex(up, index + 1));
    const from = Math.max(0, clampShift(first - offsets.endOffset, -offsets.endOffset, 0, downCount));
    const to = Math.min(downCount, clampShift(last - offsets.startOffset, -offsets.startOffset, 0, downCount));
    for (let i = from; i < to; i += 1) found.add(i);
  }
  return [...found].sort((a, b) => a - b);
}
