/**
 * Wall-clock time to instants in a named timezone, for code outside this folder (partition keys
 * name wall times). Wall times are "wall milliseconds": the epoch value the wall time would have
 * in UTC (see civil.ts `wallMsOf`).
 */
import { gapTransitionOfWall, instantOfWallCompatible, instantsOfWall, isSecondOccurrence, zoneOf } from './zone.js';

/** Every instant showing this wall time, ascending: two in a fall-back overlap, none in a gap. */
export function wallTimeInstants(timezone: string, wallMs: number): number[] {
  return instantsOfWall(zoneOf(timezone), wallMs);
}

/**
 * The instant a wall time names with "compatible" disambiguation (Python fold=0, as Dagster):
 * the earlier instant in an overlap; in a gap, the wall time read with the pre-gap offset.
 */
export function instantOfWallTime(timezone: string, wallMs: number): number {
  return instantOfWallCompatible(zoneOf(timezone), wallMs);
}

/** For a wall time inside a spring-forward gap, the instant the gap ends (the transition). */
export function gapEndOfWallTime(timezone: string, wallMs: number): number | undefined {
  return gapTransitionOfWall(zoneOf(timezone), wallMs);
}

/** Whether the instant's wall time occurred before, with a larger offset (fall-back repeat). */
export function isRepeatedWallTime(timezone: string, epochMs: number): boolean {
  return isSecondOccurrence(zoneOf(timezone), epochMs);
}
