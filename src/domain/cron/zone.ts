/**
 * UTC offsets and offset transitions of IANA timezones, read from the runtime's ICU data through
 * `Intl.DateTimeFormat` and cached per zone and UTC year. The timeline is cut into segments of
 * constant offset; a segment ends at a transition or at a UTC year boundary (an "artificial" cut
 * where the offset does not change, harmless to every caller).
 *
 * We do not use temporal-polyfill's transition search here: it skips short periods such as
 * Morocco's Ramadan suspensions of daylight time, which sampling every few days finds.
 */
import { arcoError } from '../errors/index.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './civil.js';

/**
 * Offsets are sampled this often when looking for transitions. The shortest period between two
 * transitions in tzdata since 1970 is several weeks (Ramadan suspensions), so three days cannot
 * hide a pair of transitions that cancel out.
 */
const TRANSITION_SAMPLE_STEP_MS = 3 * MS_PER_DAY;

interface Transition {
  readonly atMs: number;
  readonly offsetBeforeMs: number;
  readonly offsetAfterMs: number;
}

interface ZoneYear {
  readonly startMs: number;
  readonly endMs: number;
  readonly startOffsetMs: number;
  readonly transitions: readonly Transition[];
}

/** A stretch of time with one UTC offset. */
export interface ZoneSegment {
  readonly startMs: number;
  readonly endMs: number;
  readonly offsetMs: number;
  /** Offset just before `startMs` (equal to `offsetMs` at an artificial cut). */
  readonly offsetBeforeMs: number;
  /** Offset from `endMs` on (equal to `offsetMs` at an artificial cut). */
  readonly offsetAfterMs: number;
}

export interface Zone {
  readonly name: string;
  readonly offsetOf: (epochMs: number) => number;
  readonly years: Map<number, ZoneYear>;
}

const zones = new Map<string, Zone>();
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/;
const LONG_OFFSET = /GMT(?:([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?)?$/;

function intlOffsetReader(name: string): (epochMs: number) => number {
  if (name === 'UTC' || name === 'Etc/UTC') return () => 0;
  const format = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  return (epochMs) => {
    const match = LONG_OFFSET.exec(format.format(epochMs));
    if (!match || match[1] === undefined) return 0;
    const magnitude =
      Number(match[2]) * MS_PER_HOUR + Number(match[3] ?? 0) * MS_PER_MINUTE + Number(match[4] ?? 0) * MS_PER_SECOND;
    return match[1] === '-' ? -magnitude : magnitude;
  };
}

/**
 * Checks an IANA timezone name and returns it unchanged (we do not swap it for ICU's canonical
 * alias, so `Asia/Kolkata` stays `Asia/Kolkata`).
 * @throws INVALID_TIMEZONE with details `{ timezone }` for offsets like `+05:30`, abbreviations
 *   the runtime does not know, and any non-IANA text.
 */
export function validateTimezone(timezone: string): string {
  zoneOf(timezone);
  return timezone;
}

/** The cached zone for a name; throws INVALID_TIMEZONE. */
export function zoneOf(name: string): Zone {
  const cached = zones.get(name);
  if (cached) return cached;
  if (typeof name !== 'string' || !IANA_NAME.test(name)) {
    throw arcoError('INVALID_TIMEZONE', `"${String(name)}" is not an IANA timezone name`, { timezone: name });
  }
  let offsetOf: (epochMs: number) => number;
  try {
    offsetOf = intlOffsetReader(name);
  } catch {
    throw arcoError('INVALID_TIMEZONE', `unknown timezone "${name}"`, { timezone: name });
  }
  const zone: Zone = { name, offsetOf, years: new Map() };
  zones.set(name, zone);
  return zone;
}

function utcYearOf(epochMs: number): number {
  return new Date(epochMs).getUTCFullYear();
}

/** Finds the first whole second in `(lowMs, highMs]` whose offset differs from `lowMs`'s. */
function findTransition(zone: Zone, lowMs: number, highMs: number, offsetBeforeMs: number): number {
  let low = lowMs;
  let high = highMs;
  while (high - low > MS_PER_SECOND) {
    const mid = low + Math.floor((high - low) / 2 / MS_PER_SECOND) * MS_PER_SECOND;
    if (zone.offsetOf(mid) === offsetBeforeMs) low = mid;
    else high = mid;
  }
  return high;
}

function zoneYear(zone: Zone, year: number): ZoneYear {
  const cached = zone.years.get(year);
  if (cached) return cached;
  const startMs = Date.UTC(year, 0, 1);
  const endMs = Date.UTC(year + 1, 0, 1);
  const transitions: Transition[] = [];
  // Sample from one second before the year so a transition exactly at its start is found here.
  let previousMs = startMs - MS_PER_SECOND;
  let previousOffset = zone.offsetOf(previousMs);
  while (previousMs < endMs - MS_PER_SECOND) {
    const sampleMs = Math.min(previousMs + TRANSITION_SAMPLE_STEP_MS, endMs - MS_PER_SECOND);
    const offset = zone.offsetOf(sampleMs);
    if (offset !== previousOffset) {
      const atMs = findTransition(zone, previousMs, sampleMs, previousOffset);
      transitions.push({ atMs, offsetBeforeMs: previousOffset, offsetAfterMs: zone.offsetOf(atMs) });
    }
    previousMs = sampleMs;
    previousOffset = offset;
  }
  const info: ZoneYear = { startMs, endMs, startOffsetMs: zone.offsetOf(startMs), transitions };
  zone.years.set(year, info);
  return info;
}

function lastTransitionIndexAtOrBefore(transitions: readonly Transition[], epochMs: number): number {
  let lo = 0;
  let hi = transitions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((transitions[mid] as Transition).atMs <= epochMs) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** UTC offset in milliseconds at an instant. */
export function offsetAt(zone: Zone, epochMs: number): number {
  const info = zoneYear(zone, utcYearOf(epochMs));
  const index = lastTransitionIndexAtOrBefore(info.transitions, epochMs);
  return index >= 0 ? (info.transitions[index] as Transition).offsetAfterMs : info.startOffsetMs;
}

/** The constant-offset segment containing an instant. */
export function segmentAt(zone: Zone, epochMs: number): ZoneSegment {
  const info = zoneYear(zone, utcYearOf(epochMs));
  const index = lastTransitionIndexAtOrBefore(info.transitions, epochMs);
  const current = info.transitions[index];
  const next = info.transitions[index + 1];
  const startMs = current ? current.atMs : info.startMs;
  const offsetMs = current ? current.offsetAfterMs : info.startOffsetMs;
  const endMs = next ? next.atMs : info.endMs;
  return {
    startMs,
    endMs,
    offsetMs,
    offsetBeforeMs: current ? current.offsetBeforeMs : offsetMs,
    offsetAfterMs: next ? next.offsetAfterMs : offsetAt(zone, endMs),
  };
}

/** The latest real transition in `(afterMs, atOrBeforeMs]`, looking at most into the previous year. */
export function transitionWithin(zone: Zone, afterMs: number, atOrBeforeMs: number): Transition | undefined {
  for (const year of [utcYearOf(atOrBeforeMs), utcYearOf(atOrBeforeMs) - 1]) {
    const transitions = zoneYear(zone, year).transitions;
    const index = lastTransitionIndexAtOrBefore(transitions, atOrBeforeMs);
    const found = transitions[index];
    if (found) return found.atMs > afterMs ? found : undefined;
    if (zoneYear(zone, year).startMs <= afterMs) return undefined;
  }
  return undefined;
}

/**
 * Every instant whose wall-clock time is `wallMs`, ascending: one normally, two inside a
 * fall-back overlap, none inside a spring-forward gap.
 */
export function instantsOfWall(zone: Zone, wallMs: number): number[] {
  const candidates = new Set<number>();
  // A day either side is further than any offset, so these two offsets bracket any transition.
  for (const probeMs of [wallMs - MS_PER_DAY, wallMs + MS_PER_DAY]) {
    const offset = offsetAt(zone, probeMs);
    if (offsetAt(zone, wallMs - offset) === offset) candidates.add(wallMs - offset);
  }
  return [...candidates].sort((a, b) => a - b);
}

/**
 * The instant a wall time names, resolved like Temporal's "compatible" disambiguation (and like
 * Python with fold=0, which Dagster uses): the earlier instant in an overlap; in a gap, the wall
 * time read with the offset from before the gap, which lands after it.
 */
export function instantOfWallCompatible(zone: Zone, wallMs: number): number {
  const instants = instantsOfWall(zone, wallMs);
  if (instants[0] !== undefined) return instants[0];
  return wallMs - offsetAt(zone, wallMs - MS_PER_DAY);
}

/** The spring-forward transition a gap wall time falls in, if `wallMs` is in a gap. */
export function gapTransitionOfWall(zone: Zone, wallMs: number): number | undefined {
  if (instantsOfWall(zone, wallMs).length > 0) return undefined;
  const before = offsetAt(zone, wallMs - MS_PER_DAY);
  const after = offsetAt(zone, wallMs + MS_PER_DAY);
  return transitionWithin(zone, wallMs - before - MS_PER_DAY, wallMs - after + MS_PER_DAY)?.atMs;
}

/**
 * Whether an instant's wall time already happened earlier with a larger offset (the second pass
 * through a fall-back hour). Checked against real transitions, never against segment cuts.
 */
export function isSecondOccurrence(zone: Zone, epochMs: number): boolean {
  const transition = transitionWithin(zone, epochMs - MS_PER_DAY, epochMs);
  if (!transition || transition.offsetBeforeMs <= transition.offsetAfterMs) return false;
  return epochMs < transition.atMs + (transition.offsetBeforeMs - transition.offsetAfterMs);
}
