/**
 * Instance settings: what Dagster keeps in `dagster.yaml` (run queue, run retries, run monitoring,
 * retention), declared beside the definitions as `defineDefinitions({ instance: { … } })` so one
 * file describes a deployment and every daemon that loads it agrees. Pool limits are not here: they
 * change at run time (`arco pool set`) and live in the store; only the default for pools without
 * one is a setting.
 */
import { z } from 'zod';
import { shortDurationMs } from '../domain/cron/index.js';
import { arcoError } from '../domain/errors/index.js';
import type { TagConcurrencyLimit } from '../domain/runs/index.js';
import { suggestionDetails } from '../domain/suggestions/index.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';

export type { TagConcurrencyLimit };

export interface InstanceSettingsOptions {
  readonly runQueue?: {
    /** Runs in progress at once; absent: unlimited. */
    readonly maxConcurrentRuns?: number;
    readonly tagConcurrencyLimits?: readonly TagConcurrencyLimit[];
  };
  /** A failed run is requested again from failure, up to `max` times (Dagster's run retries). */
  /** Dagster's `concurrency.pools.default_limit`: slots of a pool that has no limit of its own (`arco pool set`). */
  readonly pools?: {
    readonly defaultLimit?: number;
    /**
     * `task`: a task holds one slot of its pool while it executes. `run`: a run holds one slot of
     * each pool its tasks use from its first dispatch until it ends (Dagster's `granularity: run`).
     * @default 'task'
     */
    readonly granularity?: 'task' | 'run';
  };
  readonly runRetries?: {
    readonly max: number;
    /** `failure`: only runs that failed in user code; `all`: also runs that failed for the system (lost worker, timeout). @default 'failure' */
    readonly retryOn?: 'failure' | 'all';
  };
  readonly runMonitoring?: {
    /** A run STARTED this long with no task dispatched is failed. @default 180 */
    readonly startTimeoutSeconds?: number;
    /** A run CANCELING this long is marked CANCELED. @default 180 */
    readonly cancelTimeoutSeconds?: number;
    /** A run in progress longer than this is canceled (the `arco/max_runtime` tag overrides it). */
    readonly maxRuntimeSeconds?: number;
  };
  /** How long records are kept, as `30d`, `12h`, `90m`; absent: forever. */
  readonly retention?: {
    readonly ticks?: string;
    readonly evaluations?: string;
    readonly runs?: string;
  };
}

export interface InstanceSettings {
  readonly runQueue: { readonly maxConcurrentRuns: number | null; readonly tagConcurrencyLimits: readonly TagConcurrencyLimit[] };
  readonly pools: { readonly defaultLimit: number | null; readonly granularity: 'task' | 'run' };
  readonly runRetries: { readonly max: number; readonly retryOn: 'failure' | 'all' };
  readonly runMonitoring: { readonly startTimeoutSeconds: number; readonly cancelTimeoutSeconds: number; readonly maxRuntimeSeconds: number | null };
  /** Milliseconds each record kind is kept; null: forever. */
  readonly retention: { readonly ticksMs: number | null; readonly evaluationsMs: number | null; readonly runsMs: number | null };
}

const positive = z.number().int().positive();
const duration = z.string().regex(/^[1-9]\d*[mhd]$/, 'must be a duration such as 90m, 12h or 30d');

const schema = z.strictObject({
  runQueue: z
    .strictObject({
      maxConcurrentRuns: positive.optional(),
      tagConcurrencyLimits: z
        .array(z.strictObject({ key: z.string().min(1), value: z.string().optional(), limit: z.number().int().nonnegative(), perUniqueValue: z.boolean().optional() }))
        .optional(),
    })
    .optional(),
  pools: z.strictObject({ defaultLimit: z.number().int().nonnegative().optional(), granularity: z.enum(['task', 'run']).optional() }).optional(),
  runRetries: z.strictObject({ max: z.number().int().nonnegative(), retryOn: z.enum(['failure', 'all']).optional() }).optional(),
  runMonitoring: z
    .strictObject({ startTimeoutSeconds: positive.optional(), cancelTimeoutSeconds: positive.optional(), maxRuntimeSeconds: positive.optional() })
    .optional(),
  retention: z.strictObject({ ticks: duration.optional(), evaluations: duration.optional(), runs: duration.optional() }).optional(),
});

/** `30d` → milliseconds (the schema has checked the form); absent → null (keep forever). */
function durationMs(text: string | undefined): number | null {
  return text === undefined ? null : (shortDurationMs(text) ?? null);
}

export const DEFAULT_INSTANCE_SETTINGS: InstanceSettings = resolveInstanceSettings(undefined);

/** @throws INVALID_DEFINITION naming the setting (with the nearest names for a misspelt one). */
export function resolveInstanceSettings(options: InstanceSettingsOptions | undefined): InstanceSettings {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const problem = optionProblem(schema, parsed.error);
    const field = problem.field ? `instance.${problem.field}` : 'instance';
    throw arcoError('INVALID_DEFINITION', `definitions: instance: ${describeOptionProblem(problem)}`, { field, ...suggestionDetails(problem.suggestions) });
  }
  const o = parsed.data;
  return Object.freeze({
    runQueue: { maxConcurrentRuns: o.runQueue?.maxConcurrentRuns ?? null, tagConcurrencyLimits: o.runQueue?.tagConcurrencyLimits ?? [] },
    pools: { defaultLimit: o.pools?.defaultLimit ?? null, granularity: o.pools?.granularity ?? 'task' },
    runRetries: { max: o.runRetries?.max ?? 0, retryOn: o.runRetries?.retryOn ?? 'failure' },
    runMonitoring: {
      startTimeoutSeconds: o.runMonitoring?.startTimeoutSeconds ?? 180,
      cancelTimeoutSeconds: o.runMonitoring?.cancelTimeoutSeconds ?? 180,
      maxRuntimeSeconds: o.runMonitoring?.maxRuntimeSeconds ?? null,
    },
    retention: { ticksMs: durationMs(o.retention?.ticks), evaluationsMs: durationMs(o.retention?.evaluations), runsMs: durationMs(o.retention?.runs) },
  });
}
