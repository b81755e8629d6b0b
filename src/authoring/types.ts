/** The types a definitions file sees: what `defineAsset` takes and what compute functions receive. */
import type { Json } from '../domain/ids/index.js';
import type { Backoff, Jitter } from '../domain/runs/index.js';

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
  readonly partitionKey: string | null;
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

export interface AssetOptions {
  /** `/`-separated segments of `[A-Za-z0-9_]+`, e.g. `raw/events`. */
  readonly key: string;
  /** Upstream assets, as definitions or keys. */
  readonly deps?: readonly AssetRef[];
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
}

export const ASSET_BRAND = Symbol.for('arco-flow.asset');
export const DEFINITIONS_BRAND = Symbol.for('arco-flow.definitions');

/** A validated asset definition (what `defineAsset` returns). */
export interface AssetDefinition {
  readonly [ASSET_BRAND]: true;
  readonly key: string;
  readonly deps: readonly string[];
  readonly compute: ComputeFn;
  readonly codeVersion: string | null;
  readonly retry: { readonly maxRetries: number; readonly delayMs: number; readonly backoff: Backoff; readonly jitter: Jitter };
  readonly timeoutMs: number | null;
  readonly description: string | null;
  readonly group: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly owners: readonly string[];
  readonly kinds: readonly string[];
}

export interface Definitions {
  readonly [DEFINITIONS_BRAND]: true;
  readonly assets: readonly AssetDefinition[];
}
