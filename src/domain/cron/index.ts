/**
 * Cron schedules evaluated in wall-clock time of an IANA timezone with Dagster's DST rules
 * (SEMANTICS §4). Pure: the current time is always an argument.
 */
export { parseCronSchedule, CRON_TICK_SEARCH_YEARS, type CronSchedule, type CronExpression } from './parse.js';
export { validateTimezone } from './zone.js';
export {
  cronTicks,
  tickSequence,
  countTicks,
  nthTickFrom,
  nthTickBefore,
  firstTickAtOrAfter,
  tickStream,
  localFieldsAt,
  localIsoAt,
  type CronTick,
  type TickSequence,
  type TickPoint,
} from './ticks.js';
export { wallTimeInstants, instantOfWallTime, gapEndOfWallTime, isRepeatedWallTime } from './wall-time.js';
export {
  wallMsOf,
  localFieldsOfWall,
  formatLocalIso,
  formatOffsetIso,
  daysInMonth,
  daysFromCivil,
  civilFromDays,
  isLeapYear,
  MS_PER_MINUTE,
  MS_PER_HOUR,
  MS_PER_DAY,
  type LocalFields,
  type CivilDate,
} from './civil.js';
export { shortDurationMs } from './civil.js';
