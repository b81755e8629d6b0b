/** The types a definitions file sees: what `defineAsset` takes and what compute functions receive. */
import type { ConfigSchema } from '../domain/runs/index.js';
import type { FreshnessPolicy } from '../domain/assets/index.js';
import type { AutomationCondition } from '../domain/automation/index.js';
import type { Json } from '../domain/ids/index.js';
import type { PartitionMapping, PartitionsDefinition } from '../domain/partitions/index.js';
import type { Backoff, Jitter } from '../domain/runs/index.js';
import type { ResolvedSchedule } from './define-schedule.js';
import type { FreshnessOptions } from './freshness.js';
import type { ResolvedSensor } from './resolve-automation.js';
import type { InstanceSettings } from './instance-settings.js';

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

/** What a multi-asset's compute receives: the asset context plus the outputs this attempt must materialize. */
export interface MultiAssetContext extends AssetContext {
  /** The output keys selected in this run, in output order (all of them unless `canSubset`). */
  readonly selectedAssetKeys: readonly string[];
}

/** One output's result, as an item of the array a multi-asset's compute may return. */
export interface OutputResult extends MaterializeResult {
  readonly assetKey: string;
}

/**
 * What a multi-asset's compute returns: one result per selected output, either as an array of
 * `{ assetKey, metadata?, dataVersion? }` or as an object keyed by output key.
 */
export type MultiAssetResult = readonly OutputResult[] | Readonly<Record<string, MaterializeResult>>;

export type MultiComputeFn = (ctx: MultiAssetContext) => Promise<MultiAssetResult> | MultiAssetResult;

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

/** What an external asset's `observe` receives: the partition observed (null when unpartitioned). */
export interface ObserveContext {
  readonly assetKey: string;
  readonly partitionKey: string | null;
  /** Aborted when the observation runs past its time limit. */
  readonly signal: AbortSignal;
}

/** What `observe` returns: the data version the external system holds now (Dagster's `DataVersion`). */
export interface ObserveResult {
  readonly dataVersion: string;
  readonly metadata?: Readonly<Record<string, Json>>;
}

export type ObserveFn = (ctx: ObserveContext) => Promise<ObserveResult> | ObserveResult;

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
  /**
   * What the run config (`ctx.config`) must look like for a run to materialize this asset: a
   * Standard Schema (a zod, valibot or arktype schema, say). A run request whose config does not
   * fit it is refused with INVALID_RUN_CONFIG before anything is recorded.
   */
  readonly config?: ConfigSchema;
  readonly codeVersion?: string;
  readonly retry?: RetryOptions;
  /** Fail an attempt that runs longer than this with TIMEOUT. */
  readonly timeoutMs?: number;
  /** The pool whose slots this asset's tasks take while they run (`arco pool set NAME LIMIT`); absent: no pool. */
  readonly pool?: string;
  readonly description?: string;
  readonly group?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
  /**
   * A time-window freshness policy: `{ maxLagMinutes, warnAfterMinutes? }` or Dagster's
   * `{ failAfter, warnAfter? }` with durations like `'24h'` or `{ hours: 24 }`. The asset is
   * PASS, WARN, FAIL or UNKNOWN (never materialized) by the age of its last materialization.
   * Or a cron policy `{ deadlineCron: '0 9 * * *', lowerBound: '1h', timezone?: 'UTC' }`: PASS
   * while the last materialization is at most `lowerBound` before the latest deadline passed (or
   * later), else FAIL.
   */
  readonly freshness?: FreshnessOptions;
  /**
   * When the daemon materializes the asset by itself: `eager()`, `onCron(cron, tz)`, `onMissing()`
   * or a composition of the operands with `and`/`or`/`not`. Evaluated by the
   * `default_automation_condition_sensor` (every 30 s while it runs).
   */
  readonly automation?: AutomationCondition;
}

/** One output of a multi-asset: an asset the shared compute materializes. */
export interface AssetSpec {
  /** `/`-separated segments of `[A-Za-z0-9_]+`. */
  readonly key: string;
  /** Upstream assets of this output only, besides the multi-asset's own `deps`. */
  readonly deps?: readonly (AssetRef | AssetDep)[];
  readonly description?: string;
  /** @default the multi-asset's group */
  readonly group?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
  /** @default the multi-asset's codeVersion */
  readonly codeVersion?: string;
}

export interface MultiAssetOptions {
  /** The computation's name: its task key in runs. Not the key of any asset outside its outputs. */
  readonly name: string;
  /** The assets one call of `compute` materializes (at least one). */
  readonly outputs: readonly AssetSpec[];
  /** Upstream assets of every output. */
  readonly deps?: readonly (AssetRef | AssetDep)[];
  /** The partitions every output shares. */
  readonly partitions?: PartitionsDefinition;
  /**
   * Whether a run may materialize only some outputs. When false (as Dagster), a run that selects
   * one output materializes them all, and the run request says so.
   * @default false
   */
  readonly canSubset?: boolean;
  readonly compute: MultiComputeFn;
  readonly codeVersion?: string;
  readonly retry?: RetryOptions;
  /** Fail an attempt that runs longer than this with TIMEOUT. */
  readonly timeoutMs?: number;
  /** The pool whose slots this asset's tasks take while they run (`arco pool set NAME LIMIT`); absent: no pool. */
  readonly pool?: string;
  readonly description?: string;
  readonly group?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly owners?: readonly string[];
  readonly kinds?: readonly string[];
}

/** What an output asset knows about the multi-asset that computes it. */
export interface MultiAssetMembership {
  readonly name: string;
  readonly canSubset: boolean;
  /** Every output key, in the order the outputs were given. */
  readonly outputKeys: readonly string[];
  readonly codeVersion: string | null;
  readonly compute: MultiComputeFn;
}

export const ASSET_BRAND = Symbol.for('arco-flow.asset');
export const MULTI_ASSET_BRAND = Symbol.for('arco-flow.multi-asset');
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
  /** Null for an external asset: another system produces it, Arco never materializes it. */
  readonly compute: ComputeFn | null;
  /**
   * An external (source) asset (`defineExternalAsset`): never planned into a run, left out of
   * selections unless named, always FRESH; its data version comes from observations and reports.
   */
  readonly external: boolean;
  /** The schema run config must fit to materialize this asset (`defineAsset({ config })`); absent or null: any config. */
  readonly configSchema?: ConfigSchema | null;
  /** How to read an external asset's current data version; null when it has none (or is not external). */
  readonly observe: ObserveFn | null;
  /**
   * The daemon runs `observe` once per this many minutes (Dagster's `auto_observe_interval_minutes`);
   * null: only `arco asset observe` and runless reports record versions.
   */
  readonly autoObserveIntervalMinutes: number | null;
  readonly codeVersion: string | null;
  readonly retry: { readonly maxRetries: number; readonly delayMs: number; readonly backoff: Backoff; readonly jitter: Jitter };
  readonly timeoutMs: number | null;
  /** null: the asset's tasks take no pool slot. */
  readonly pool: string | null;
  readonly description: string | null;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
  /** The asset's freshness policy (time window or cron) in minutes, or null when it has none. */
  readonly freshness: FreshnessPolicy | null;
  /** The asset's automation condition, or null when it has none. */
  readonly automation: AutomationCondition | null;
  /** Set on the outputs of a multi-asset: the one compute that materializes them together. */
  readonly multiAsset?: MultiAssetMembership;
}

/** A validated multi-asset (what `defineMultiAsset` returns); its outputs are assets others may depend on. */
export interface MultiAssetDefinition {
  readonly [MULTI_ASSET_BRAND]: true;
  readonly name: string;
  readonly canSubset: boolean;
  readonly outputs: readonly AssetDefinition[];
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
  readonly instance: InstanceSettings;
}
