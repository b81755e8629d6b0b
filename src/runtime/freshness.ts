/**
 * Freshness in the shell (SEMANTICS §8): what an asset's freshness policy (time window or cron) says
 * now (for asset views and `arco asset status`), and the daemon's recording of each change as an
 * `AssetFreshnessChanged` event (so sensors and operators see when an asset went WARN or FAIL).
 *
 * Freshness changes with time alone (PASS, then WARN, then FAIL with no event in between; a cron
 * policy's PASS to FAIL at a deadline), so the daemon evaluates on the clock rather than on
 * events: at most once per `FRESHNESS_EVALUATION_INTERVAL_MS` of its clock, from a cache it keeps
 * current with the materializations appended since (`FreshnessRunner`). A change is therefore
 * recorded up to that long after it happens; views evaluate at the instant they are asked and are
 * never behind.
 */
import { z } from 'zod';
import { decideFreshnessChanges, type FreshnessSubject } from '../controllers/index.js';
import { evaluateFreshness, nextFreshnessChangeAtMs, type FreshnessPolicy } from '../domain/assets/index.js';
import { freshnessStateSchema, type FreshnessState } from '../events/index.js';
import type { AssetFreshnessRecord } from '../fold/index.js';
import type { LastMaterializedAt, Store } from '../store/index.js';
import { commit, type RuntimeContext } from './context.js';
import type { LoadedDefinitions } from './definitions-loader.js';

/**
 * How often (daemon clock) the daemon evaluates every policy. Dagster's freshness windows are at
 * least a minute, so half a minute records a change well within the smallest window, and an
 * evaluation costs one read per thousand assets with a policy at most twice a minute.
 */
export const FRESHNESS_EVALUATION_INTERVAL_MS = 30_000;

/** A policy as asset views show it: the resolved policy of either kind, in whole minutes. */
const freshnessPolicyViewSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('time_window'),
    failAfterMinutes: z.number().int(),
    warnAfterMinutes: z.number().int().nullable(),
  }),
  z.object({
    kind: z.literal('cron'),
    /** The deadlines' cron, single-spaced. */
    deadlineCron: z.string(),
    /** How long before each deadline its window opens. */
    lowerBoundMinutes: z.number().int(),
    /** The IANA timezone the cron is read in. */
    timezone: z.string(),
  }),
]);

/** What an asset's freshness policy says at one instant, with what the daemon last recorded. */
export const freshnessViewSchema = z.object({
  state: freshnessStateSchema,
  /** Minutes since the latest materialization of any partition; null when never materialized. */
  lagMinutes: z.number().nullable(),
  policy: freshnessPolicyViewSchema,
  /**
   * A time window's `failAfterMinutes` and `warnAfterMinutes`, kept beside `policy` for the readers
   * that came before cron policies; null for a cron policy.
   */
  failAfterMinutes: z.number().int().nullable(),
  warnAfterMinutes: z.number().int().nullable(),
  lastMaterializedAt: z.string().nullable(),
  /**
   * When the state next changes with time alone (PASS→WARN, →FAIL; a cron policy's next deadline it
   * would miss); null when only a materialization changes it.
   */
  nextChangeAt: z.string().nullable(),
  /** The state the daemon last recorded (an `AssetFreshnessChanged`), or null before its first evaluation. */
  recorded: z.object({ state: freshnessStateSchema, stateVersion: z.number().int(), changedAt: z.string() }).nullable(),
});
export type FreshnessView = z.infer<typeof freshnessViewSchema>;

type PolicyEntry = { readonly assetKey: string; readonly policy: FreshnessPolicy };

/** Every policy of a definitions object in key order, computed once per object (the daemon asks every evaluation). */
const allPolicies = new WeakMap<LoadedDefinitions, readonly PolicyEntry[]>();

/** The assets of `keys` (all, in key order, when omitted) that have a freshness policy, in the order given. */
export function freshnessPolicies(defs: LoadedDefinitions, keys?: readonly string[]): readonly PolicyEntry[] {
  const select = (candidates: readonly string[]): PolicyEntry[] =>
    candidates.flatMap((assetKey) => {
      const policy = defs.assets.get(assetKey)?.freshness ?? null;
      return policy === null ? [] : [{ assetKey, policy }];
    });
  if (keys !== undefined) return select(keys);
  let all = allPolicies.get(defs);
  if (all === undefined) allPolicies.set(defs, (all = select([...defs.assets.keys()].sort())));
  return all;
}

async function subjectsOf(store: Store, policies: readonly { assetKey: string; policy: FreshnessPolicy }[]): Promise<FreshnessSubject[]> {
  const latest = await store.assets.latestMaterializedAt(policies.map((p) => p.assetKey));
  return policies.map(({ assetKey, policy }) => ({ assetKey, policy, lastMaterialization: latest.get(assetKey) ?? null }));
}

async function recordedStates(store: Store): Promise<Map<string, AssetFreshnessRecord>> {
  return new Map((await store.assets.listAssetFreshness()).map((r) => [r.assetKey, r]));
}

/** The freshness of each asset of `keys` that has a policy, at `nowEpochMs`, by key. */
export async function describeFreshness(store: Store, defs: LoadedDefinitions, keys: readonly string[], nowEpochMs: number): Promise<Map<string, FreshnessView>> {
  const policies = freshnessPolicies(defs, keys);
  const views = new Map<string, FreshnessView>();
  if (policies.length === 0) return views;
  const [subjects, recorded] = await Promise.all([subjectsOf(store, policies), recordedStates(store)]);
  for (const { assetKey, policy, lastMaterialization } of subjects) {
    const lastMs = lastMaterialization === null ? null : Date.parse(lastMaterialization.materializedAt);
    const { state, lagMinutes } = evaluateFreshness(policy, lastMs, nowEpochMs);
    const nextChangeAtMs = nextFreshnessChangeAtMs(policy, lastMs, nowEpochMs);
    const record = recorded.get(assetKey);
    views.set(assetKey, {
      state,
      lagMinutes,
      policy,
      failAfterMinutes: policy.kind === 'time_window' ? policy.failAfterMinutes : null,
      warnAfterMinutes: policy.kind === 'time_window' ? policy.warnAfterMinutes : null,
      lastMaterializedAt: lastMaterialization?.materializedAt ?? null,
      nextChangeAt: nextChangeAtMs === null ? null : new Date(nextChangeAtMs).toISOString(),
      recorded: record ? { state: record.state, stateVersion: record.stateVersion, changedAt: record.changedAt } : null,
    });
  }
  return views;
}

/** One asset's freshness at `nowEpochMs`, or null when it has no policy (or is not defined). */
export async function freshnessOf(store: Store, defs: LoadedDefinitions, assetKey: string, nowEpochMs: number): Promise<FreshnessView | null> {
  return (await describeFreshness(store, defs, [assetKey], nowEpochMs)).get(assetKey) ?? null;
}

/**
 * Evaluates every policy at `nowEpochMs` and appends a change event for each asset whose state
 * differs from its recorded one. Returns how many changes were new (a change another daemon
 * recorded first is a duplicate and not counted).
 */
export async function recordFreshnessChanges(ctx: RuntimeContext, nowEpochMs: number): Promise<number> {
  const policies = freshnessPolicies(ctx.definitions);
  if (policies.length === 0) return 0;
  const [subjects, states] = await Promise.all([subjectsOf(ctx.store, policies), ctx.store.assets.listFreshnessStates()]);
  const recorded = new Map(states.map((s) => [s.assetKey, s]));
  const drafts = decideFreshnessChanges({ subjects, recorded, nowEpochMs });
  return (await commit(ctx, drafts, nowEpochMs)).appended.length;
}

/**
 * Materializations read per catch-up query; past `CATCH_UP_PAGES_MAX` pages a full reload is
 * cheaper than reading on.
 */
const CATCH_UP_PAGE = 5_000;
const CATCH_UP_PAGES_MAX = 10;
/**
 * The cache is reloaded in full at least this often (daemon clock). The cache only saves reads: a
 * change another daemon recorded meanwhile makes our proposal a duplicate, which reloads at once.
 */
const RELOAD_MS = 10 * 60_000;

interface FreshnessCache {
  readonly loadedAtMs: number;
  /** The ledger's end when loaded: a wipe after it may have forgotten what `latest` holds. */
  readonly loadedSequence: number;
  /** Materializations up to this ledger sequence are in `latest`. */
  watermark: number;
  readonly keys: ReadonlySet<string>;
  readonly latest: Map<string, LastMaterializedAt>;
  readonly recorded: Map<string, { readonly state: FreshnessState; readonly stateVersion: number }>;
}

/**
 * The daemon's part: evaluates at most once per interval of the daemon's clock. Between full
 * loads it keeps each asset's latest materialization and recorded state in memory and reads only
 * the materializations appended since (one range query), so an evaluation of thousands of
 * policies where nothing changed costs one small query and a pure pass.
 */
export class FreshnessRunner {
  private lastEvaluatedAtMs: number | null = null;
  private cache: FreshnessCache | undefined;

  private readonly intervalMs: number;
  private readonly reloadMs: number;

  /**
   * @param options.intervalMs evaluate at most this often. @default FRESHNESS_EVALUATION_INTERVAL_MS
   * @param options.reloadMs reload the cache in full at least this often. @default 10 minutes
   */
  constructor(
    private readonly ctx: RuntimeContext,
    options: { readonly intervalMs?: number; readonly reloadMs?: number } = {},
  ) {
    this.intervalMs = options.intervalMs ?? FRESHNESS_EVALUATION_INTERVAL_MS;
    this.reloadMs = options.reloadMs ?? RELOAD_MS;
  }

  /** Evaluates when an interval has passed since the last evaluation (or the clock went back). */
  async evaluateIfDue(nowEpochMs: number): Promise<void> {
    const last = this.lastEvaluatedAtMs;
    if (last !== null && nowEpochMs >= last && nowEpochMs - last < this.intervalMs) return;
    this.lastEvaluatedAtMs = nowEpochMs;
    const policies = freshnessPolicies(this.ctx.definitions);
    if (policies.length === 0) {
      this.cache = undefined;
      return;
    }
    try {
      const cache = await this.current(policies, nowEpochMs);
      const subjects = policies.map((p) => ({ ...p, lastMaterialization: cache.latest.get(p.assetKey) ?? null }));
      const drafts = decideFreshnessChanges({ subjects, recorded: cache.recorded, nowEpochMs });
      const result = await commit(this.ctx, drafts, nowEpochMs);
      // Another daemon recorded a change first: our recorded states are behind, read them anew.
      if (result.duplicates.length > 0) this.cache = undefined;
      for (const e of result.appended) {
        if (e.type === 'AssetFreshnessChanged') cache.recorded.set(e.payload.assetKey, { state: e.payload.state, stateVersion: e.payload.stateVersion });
      }
    } catch (error) {
      this.cache = undefined;
      throw error;
    }
  }

  private async current(policies: readonly { assetKey: string }[], nowEpochMs: number): Promise<FreshnessCache> {
    const cache = this.cache;
    const stale =
      cache === undefined || nowEpochMs < cache.loadedAtMs || nowEpochMs - cache.loadedAtMs >= this.reloadMs || policies.some((p) => !cache.keys.has(p.assetKey));
    if (stale) return (this.cache = await this.load(policies, nowEpochMs));
    // A wipe since the load: the latest materializations held may be forgotten; read them anew.
    if ((await this.ctx.store.assets.listAssetWipes({ afterSequence: cache.loadedSequence, limit: 1 })).length > 0) {
      return (this.cache = await this.load(policies, nowEpochMs));
    }
    for (let page = 0; page < CATCH_UP_PAGES_MAX; page += 1) {
      const rows = await this.ctx.store.assets.listMaterializedAtAfter(cache.watermark, CATCH_UP_PAGE);
      for (const row of rows) {
        const known = cache.latest.get(row.assetKey);
        if (cache.keys.has(row.assetKey) && (known === undefined || known.sequence < row.sequence)) {
          cache.latest.set(row.assetKey, { sequence: row.sequence, materializedAt: row.materializedAt });
        }
        cache.watermark = Math.max(cache.watermark, row.sequence);
      }
      if (rows.length < CATCH_UP_PAGE) return cache;
    }
    return (this.cache = await this.load(policies, nowEpochMs));
  }

  private async load(policies: readonly { assetKey: string }[], nowEpochMs: number): Promise<FreshnessCache> {
    // The watermark is read first: a materialization appended during the load is read again by
    // the next catch-up, never missed.
    const watermark = await this.ctx.store.ledger.lastSequence();
    const keys = policies.map((p) => p.assetKey);
    const [latest, states] = await Promise.all([this.ctx.store.assets.latestMaterializedAt(keys), this.ctx.store.assets.listFreshnessStates()]);
    return { loadedAtMs: nowEpochMs, loadedSequence: watermark, watermark, keys: new Set(keys), latest, recorded: new Map(states.map((s) => [s.assetKey, s])) };
  }
}
