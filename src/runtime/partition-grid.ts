/**
 * The partition grid of one asset (the web UI's partitions view): every partition's status as
 * position ranges in definition order, and how to lay the positions out as rows and columns, so a
 * million partitions cost a few ranges and the browser draws only the cells in view.
 *
 * Layouts: a daily asset is a calendar, one row per week (Monday first); an hourly asset one row
 * per 24 windows starting at midnight (a daylight-saving day shifts the rows after it by an hour,
 * as the windows are counted, not the clock); a multi-partitioned asset one row per value of its
 * first dimension and one column per value of the second (its keys are `first|second`, so a
 * position is row × columns + column). Anything else is a strip wrapped at a fixed width.
 */
import { z } from 'zod';
import { partitionCount, partitionKeyAt, timeWindowForKey, type IndexRange, type PartitionsContext, type PartitionsDefinition } from '../domain/partitions/index.js';
import type { StatusPositions } from './partition-status.js';

/** Position ranges listed per status; past it the grid draws the rest as unknown and says so. */
export const GRID_RANGES_MAX = 100_000;
/** Columns of a strip (static, dynamic, weekly, monthly and other time windows). */
const STRIP_COLUMNS = 50;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const rangesSchema = z.array(z.tuple([z.number().int(), z.number().int()])).describe('[from, to) positions in definition order');

export const partitionGridSchema = z
  .object({
    total: z.number().int(),
    layout: z.enum(['calendar', 'hourly', 'multi', 'strip']),
    columns: z.number().int(),
    /** Empty cells before the first partition (its weekday in a calendar, its hour in an hourly grid). */
    offset: z.number().int(),
    /** For `multi`: the dimension on the rows, then the one on the columns. */
    dimensions: z.array(z.string()),
    firstKey: z.string().nullable(),
    lastKey: z.string().nullable(),
    positions: z.object({ MATERIALIZED: rangesSchema, FAILED: rangesSchema, IN_PROGRESS: rangesSchema, MISSING: rangesSchema }),
    truncated: z.boolean(),
  })
  .describe('PartitionGrid');
export type PartitionGrid = z.infer<typeof partitionGridSchema>;

/** 0 for Monday … 6 for Sunday, and the hour, of an instant in a timezone. */
function wallClock(epochMs: number, timezone: string): { weekday: number; hour: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(epochMs);
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((p) => p.type === 'weekday')?.value ?? 'Mon');
  return { weekday: Math.max(0, weekday), hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0) };
}

function layoutOf(definition: PartitionsDefinition, total: number, firstKey: string | null, ctx: PartitionsContext): Pick<PartitionGrid, 'layout' | 'columns' | 'offset' | 'dimensions'> {
  if (definition.kind === 'multi') {
    const [rows, columns] = definition.dimensions;
    return { layout: 'multi', columns: Math.max(1, partitionCount(columns.definition, ctx)), offset: 0, dimensions: [rows.name, columns.name] };
  }
  if (definition.kind === 'timeWindow' && firstKey !== null) {
    const window = timeWindowForKey(definition, firstKey);
    const length = window.endEpochMs - window.startEpochMs;
    const clock = wallClock(window.startEpochMs, definition.timezone);
    if (length === DAY_MS) return { layout: 'calendar', columns: 7, offset: clock.weekday, dimensions: [] };
    if (length === HOUR_MS) return { layout: 'hourly', columns: 24, offset: clock.hour, dimensions: [] };
  }
  return { layout: 'strip', columns: Math.min(STRIP_COLUMNS, Math.max(1, total)), offset: 0, dimensions: [] };
}

export function partitionGrid(definition: PartitionsDefinition, positions: StatusPositions, ctx: PartitionsContext): PartitionGrid {
  const total = positions.total;
  const firstKey = total > 0 ? partitionKeyAt(definition, 0, ctx) : null;
  const lastKey = total > 0 ? partitionKeyAt(definition, total - 1, ctx) : null;
  const cap = (ranges: readonly IndexRange[]) => ranges.slice(0, GRID_RANGES_MAX).map(([from, to]) => [from, to] as [number, number]);
  const byStatus = positions.byStatus;
  return {
    total,
    ...layoutOf(definition, total, firstKey, ctx),
    firstKey,
    lastKey,
    positions: { MATERIALIZED: cap(byStatus.MATERIALIZED), FAILED: cap(byStatus.FAILED), IN_PROGRESS: cap(byStatus.IN_PROGRESS), MISSING: cap(byStatus.MISSING) },
    truncated: Object.values(byStatus).some((r) => r.length > GRID_RANGES_MAX),
  };
}
