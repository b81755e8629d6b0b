/**
 * What the API and CLI do with schedules: list them with state, next and last tick; list ticks
 * with their runs; start and stop; preview a cron's or a schedule's tick times.
 */
import { z } from 'zod';
import { decideScheduleStatus, nextTickAtOrAfter, tickFromMs, type AutomationStatus } from '../../controllers/index.js';
import { cronTicks, instantOfWallTime, localIsoAt, parseCronSchedule, validateTimezone, wallMsOf, type CronSchedule } from '../../domain/cron/index.js';
import { arcoError } from '../../domain/errors/index.js';
import { tickStatusSchema } from '../../events/index.js';
import { scheduleTickSchema, type ScheduleStateRead } from '../../fold/index.js';
import type { ScheduleTickWithRun } from '../../store/index.js';
import { commit, type RuntimeContext } from '../context.js';
import { automationEntries, scheduleEntryOf, type ScheduleEntry } from './specs.js';
import { syncAutomation } from './sync.js';

/** Ticks one preview may list. */
export const PREVIEW_TICKS_MAX = 1_000;
/** A status change lost to a concurrent one is decided again this many times at most. */
const STATUS_RETRIES_MAX = 4;

const statusSchema = z.enum(['RUNNING', 'STOPPED']);
const tickRefSchema = z.object({ epochSeconds: z.number().int(), local: z.string() });

export const scheduleTickViewSchema = scheduleTickSchema.extend({
  runStatus: z.string().nullable().describe('Current status of the run the tick requested'),
});
export type ScheduleTickView = z.infer<typeof scheduleTickViewSchema>;

export const scheduleViewSchema = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    cron: z.union([z.string(), z.array(z.string())]),
    timezone: z.string(),
    assetKeys: z.array(z.string()),
    partition: z.enum(['none', 'previous window', 'function']),
    status: statusSchema,
    defaultStatus: statusSchema,
    /** The operator's last start/stop; null while the default applies. */
    userStatus: statusSchema.nullable(),
    definitionVersion: z.number().int(),
    stateVersion: z.number().int(),
    runningSince: z.string().nullable(),
    maxCatchupTicks: z.number().int(),
    skipIfRunning: z.boolean(),
    nextTick: tickRefSchema.nullable(),
    lastTick: tickRefSchema.extend({ status: tickStatusSchema, runId: z.string().nullable() }).nullable(),
  })
  .describe('Schedule');
export type ScheduleView = z.infer<typeof scheduleViewSchema>;

function nextTick(cron: CronSchedule, timezone: string, state: ScheduleStateRead | undefined, nowEpochMs: number): ScheduleView['nextTick'] {
  const from = tickFromMs(state);
  if (from === null) return null;
  const epochMs = nextTickAtOrAfter(cron, timezone, Math.max(from, nowEpochMs));
  return { epochSeconds: Math.floor(epochMs / 1000), local: localIsoAt(timezone, epochMs) };
}

export function scheduleView(entry: ScheduleEntry, state: ScheduleStateRead | undefined, nowEpochMs: number): ScheduleView {
  const s = entry.definition;
  return {
    name: s.name,
    description: s.description,
    cron: entry.stored.cron,
    timezone: s.timezone,
    assetKeys: [...s.assetKeys],
    partition: s.partition,
    // Never synced yet: what the definition says.
    status: state?.status ?? s.defaultStatus,
    defaultStatus: s.defaultStatus,
    userStatus: state?.userStatus ?? null,
    definitionVersion: state?.definitionVersion ?? 0,
    stateVersion: state?.stateVersion ?? 0,
    runningSince: state?.runningSince ?? null,
    maxCatchupTicks: s.maxCatchupTicks,
    skipIfRunning: s.skipIfRunning,
    nextTick: nextTick(s.cron, s.timezone, state, nowEpochMs),
    lastTick: state?.lastTick ? { ...state.lastTick } : null,
  };
}

type Reader = Pick<RuntimeContext, 'store' | 'definitions' | 'clock'>;

/** Every defined schedule, by name. */
export async function listSchedules(ctx: Reader): Promise<ScheduleView[]> {
  const states = new Map((await ctx.store.automation.listScheduleStates()).map((s) => [s.scheduleName, s]));
  const now = ctx.clock.now();
  return [...automationEntries(ctx.definitions).schedules.values()]
    .sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1))
    .map((entry) => scheduleView(entry, states.get(entry.definition.name), now));
}

/** @throws UNKNOWN_SCHEDULE. */
export async function getSchedule(ctx: Reader, name: string): Promise<ScheduleView> {
  const entry = scheduleEntryOf(ctx.definitions, name);
  return scheduleView(entry, await ctx.store.automation.getScheduleState(name), ctx.clock.now());
}

/**
 * Ticks of a schedule, newest tick time first; `cursor` is the previous page's `nextCursor`.
 * @throws UNKNOWN_SCHEDULE.
 */
export async function listScheduleTicks(
  ctx: Reader,
  name: string,
  query: { readonly statuses?: readonly ('SUCCESS' | 'SKIPPED' | 'FAILURE')[]; readonly cursor?: number; readonly limit: number },
): Promise<{ ticks: ScheduleTickWithRun[]; nextCursor: number | null }> {
  scheduleEntryOf(ctx.definitions, name);
  const rows = await ctx.store.automation.listScheduleTicks({
    scheduleName: name,
    ...(query.statuses ? { statuses: query.statuses } : {}),
    ...(query.cursor === undefined ? {} : { beforeEpochSeconds: query.cursor }),
    limit: query.limit + 1,
  });
  const ticks = rows.slice(0, query.limit);
  return { ticks, nextCursor: rows.length > query.limit ? (ticks[ticks.length - 1]?.epochSeconds ?? null) : null };
}

/**
 * Starts or stops a schedule (persisted; overrides its default). Starting a running schedule or
 * stopping a stopped one changes nothing. @throws UNKNOWN_SCHEDULE.
 */
export async function setScheduleStatus(ctx: RuntimeContext, name: string, status: AutomationStatus): Promise<ScheduleView> {
  const entry = scheduleEntryOf(ctx.definitions, name);
  await syncAutomation(ctx, { schedule: name });
  for (let attempt = 0; attempt < STATUS_RETRIES_MAX; attempt += 1) {
    const state = await ctx.store.automation.getScheduleState(name);
    if (!state) break;
    const drafts = decideScheduleStatus(state, status);
    const result = await commit(ctx, drafts, ctx.clock.now());
    // A duplicate: another command took this state version first; decide again on what it did.
    if (result.duplicates.length === 0) break;
  }
  return scheduleView(entry, await ctx.store.automation.getScheduleState(name), ctx.clock.now());
}

/** `YYYY-MM-DDTHH:MM[:SS]` without an offset: a wall time in the preview's timezone. */
const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** An ISO-8601 instant, or a wall time in `timezone`. @throws VALIDATION_ERROR. */
export function parsePreviewFrom(from: string, timezone: string): number {
  const local = LOCAL_ISO.exec(from);
  if (local) {
    const [year, month, day, hour, minute, second] = local.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    return instantOfWallTime(timezone, wallMsOf(year, month, day, hour, minute, second));
  }
  const epochMs = /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(from) ? Date.parse(from) : Number.NaN;
  if (Number.isNaN(epochMs)) {
    throw arcoError('VALIDATION_ERROR', `--from must be an ISO-8601 time such as 2026-03-08T00:00:00-08:00, got "${from}"`, { field: 'from', value: from });
  }
  return epochMs;
}

export const previewResultSchema = z.object({
  cron: z.union([z.string(), z.array(z.string())]),
  timezone: z.string(),
  from: z.string().describe('FROM as local ISO-8601 time'),
  ticks: z.array(z.string()).describe('Tick times, local ISO-8601 with UTC offset; a tick exactly at FROM is first'),
});
export type PreviewResult = z.infer<typeof previewResultSchema>;

/** The next `count` tick times of a cron from `fromEpochMs` (inclusive). @throws INVALID_CRON, INVALID_TIMEZONE, VALIDATION_ERROR. */
export function previewCron(cron: string | readonly string[], timezone: string, fromEpochMs: number, count: number): PreviewResult {
  if (!Number.isInteger(count) || count < 1 || count > PREVIEW_TICKS_MAX) {
    throw arcoError('VALIDATION_ERROR', `count must be an integer from 1 to ${PREVIEW_TICKS_MAX}`, { field: 'count', value: count });
  }
  validateTimezone(timezone);
  const schedule = parseCronSchedule(cron);
  const ticks: string[] = [];
  for (const tick of cronTicks(schedule, timezone, fromEpochMs)) {
    ticks.push(tick.local);
    if (ticks.length === count) break;
  }
  return { cron: typeof schedule.source === 'string' ? schedule.source : [...schedule.source], timezone, from: localIsoAt(timezone, fromEpochMs), ticks };
}

/** A defined schedule's next tick times. @throws UNKNOWN_SCHEDULE. */
export function previewSchedule(ctx: Pick<RuntimeContext, 'definitions'>, name: string, from: string | number, count: number): PreviewResult {
  const s = scheduleEntryOf(ctx.definitions, name).definition;
  const fromEpochMs = typeof from === 'number' ? from : parsePreviewFrom(from, s.timezone);
  return previewCron(s.cron.source, s.timezone, fromEpochMs, count);
}
