/** The types a definitions file sees: what `defineAsset` takes and what compute functions receive. */
import type { FreshnessPolicy } from '../domain/assets/index.js';
import type { Json } from '../domain/ids/index.js';
import type { PartitionMapping, PartitionsDefinition } from '../domain/partitions/index.js';
import type { Backoff, Jitter } from '../domain/runs/index.js';
import type { ResolvedSchedule } from './define-schedule.js';
import type { FreshnessOptions } from './freshness.js';
import type { ResolvedSensor } from './resolve-automation.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AssetLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a compute function receives for one attempt of one asset (partition). */
export interface AssetContext {
  readonly assetKey: string;
  readonly runId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The partition this attempt materializes (null for an unpartitioned asset). */
  readonly partitionKey: string | null;
  /** Every partition of this asset the run materializes (one per task), in definition order. */
  readonly partitionKeys: readonly string[];
  /** First and last partition of the run's range, when the run was requested for a range. */
  readonly partitionKeyRange: { readonly start: string; readonly end: string } | null;
  /** The time window of `partitionKey` (ISO-8601 with offsets), for time-partitioned assets. */
  readonly timeWindow: { readonly start: string; readonly end: string } | null;
  readonly config: Json;
  readonly codeVersion: string | null;
  readonly log: AssetLogger;
  /** Aborted when the run is canceled or the attempt times out; pass it to fetch and friends. */
  readonly signal: AbortSignal;
}

/** What a compute function may return. */
export interface MaterializeResult {
  readonly metadata?: Readonly<Record<string, Json>>;
  /** Your own data version; when omitted one is derived from the code version and input versions. */
  readonly dataVersion?: string;
}

export type ComputeFn = (ctx: AssetContext) => Promise<MaterializeResult | void> | MaterializeResult | void;

export interface RetryOptions {
  /** @default 0 */
  readonly maxRetries?: number;
  /** @default 0 */
  readonly delayMs?: number;
  /** @default 'fixed' */
  readonly backoff?: Backoff;
  /** @default 'none' */
  readonly jitter?: Jitter;
}

export type AssetRef = AssetDefinition | string;

/** A dependency with an explicit partition mapping (otherwise the default of SEMANTICS §6 applies). */
export interface AssetDep {
  readonly asset: AssetRef;
  readonly partitionMapping?: PartitionMapping;
}

export interface AssetOptions {
  /** `/`-separated segments of `[A-Za-z0-9_]+`, e.g. `raw/events`. */
  readonly key: string;
  /** Upstream assets, as definitions or keys, or `{ asset, partitionMapping }`. */
  readonly deps?: readonly (AssetRef | AssetDep)[];
  /** How the asset is partitioned (`dailyPartitions(...)`, `staticPartitions([...])`, …). */
  readonly partitions?: PartitionsDefinition;
  readonly compute: ComputeFn;
  readonly codeVersion?: string;
  readonly retry?: RetryOptions;
  /** Fail an attempt that runs longer than this with TIMEOUT. */
  readonly timeoutMs?: number;
  readonly description?: string;
  readonly group?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
  /**
   * A time-window freshness policy: `{ maxLagMinutes, warnAfterMinutes? }` or Dagster's
   * `{ failAfter, warnAfter? }` with durations like `'24h'` or `{ hours: 24 }`. The asset is
   * PASS, WARN, FAIL or UNKNOWN (never materialized) by the age of its last materialization.
   */
  readonly freshness?: FreshnessOptions;
}

export const ASSET_BRAND = Symbol.for('arco-flow.asset');
export const ASSET_CHECK_BRAND = Symbol.for('arco-flow.asset-check');
export const DEFINITIONS_BRAND = Symbol.for('arco-flow.definitions');

/** A validated asset definition (what `defineAsset` returns). */
export interface AssetDefinition {
  readonly [ASSET_BRAND]: true;
  readonly key: string;
  readonly deps: readonly string[];
  /** Explicit partition mappings by upstream key; the rest use the default mapping. */
  readonly partitionMappings: Readonly<Record<string, PartitionMapping>>;
  readonly partitions: PartitionsDefinition | null;
  readonly compute: ComputeFn;
  readonly codeVersion: string | null;
  readonly retry: { readonly maxRetries: number; readonly delayMs: number; readonly backoff: Backoff; readonly jitter: Jitter };
  readonly timeoutMs: number | null;
  readonly description: string | null;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  /** The asset's time-window freshness policy in minutes, or null when it has none. */
  readonly freshness: FreshnessPolicy | null;
}

/** How bad a failed check is: a failed blocking ERROR check stops its asset's downstream in the run. */
export type AssetCheckSeverity = 'WARN' | 'ERROR';

/** What a check's compute receives: the asset (partition) it checks, in the run that runs it. */
export interface AssetCheckContext {
  readonly assetKey: string;
  readonly checkName: string;
  readonly runId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The partition the check evaluates (null for an unpartitioned asset). */
  readonly partitionKey: string | null;
  readonly config: Json;
  readonly log: AssetLogger;
  /** Aborted when the run is canceled; pass it to fetch and friends. */
  readonly signal: AbortSignal;
}

/** What a check's compute returns. A failed check is a result, not an error: its task succeeds. */
export interface AssetCheckResult {
  readonly passed: boolean;
  /** @default 'ERROR' */
  readonly severity?: AssetCheckSeverity;
  readonly metadata?: Readonly<Record<string, Json>>;
}

export type AssetCheckFn = (ctx: AssetCheckContext) => Promise<AssetCheckResult> | AssetCheckResult;

export interface AssetCheckOptions {
  /** The asset checked, as a definition or a key. */
  readonly asset: AssetRef;
  /** `[A-Za-z0-9_]+`, unique among the asset's checks. */
  readonly name: string;
  /**
   * When it fails with severity ERROR, the asset's downstream tasks in the same run are SKIPPED.
   * @default false
   */
  readonly blocking?: boolean;
  readonly description?: string;
  readonly compute: AssetCheckFn;
}

/** A validated asset check (what `defineAssetCheck` returns). */
export interface AssetCheckDefinition {
  readonly [ASSET_CHECK_BRAND]: true;
  readonly assetKey: string;
  readonly name: string;
  readonly blocking: boolean;
  readonly description: string | null;
  readonly compute: AssetCheckFn;
}

export interface Definitions {
  readonly [DEFINITIONS_BRAND]: true;
  readonly assets: readonly AssetDefinition[];
  /** Asset checks, each on an asset of `assets`. */
  readonly assetChecks: readonly AssetCheckDefinition[];
  readonly schedules: readonly ResolvedSchedule[];
  readonly sensors: readonly ResolvedSensor[];
}
