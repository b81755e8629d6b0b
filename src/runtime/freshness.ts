/**
 * Freshness in the shell (SEMANTICS §8): what an asset's time-window policy says now (for asset
 * views and `arco asset status`), and the daemon's recording of each change as an
 * `AssetFreshnessChanged` event (so sensors and operators see when an asset went WARN or FAIL).
 *
 * Freshness changes with time alone (PASS, then WARN, then FAIL with no event in between), so the
 * daemon evaluates on the clock rather than on events: at most once per
 * `FRESHNESS_EVALUATION_INTERVAL_MS` of its clock. A change is therefore recorded up to that long
 * after it happens; views evaluate at the instant they are asked and are never behind.
 */
import { z } from 'zod';
import { decideFreshnessChanges, type FreshnessSubject } from '../controllers/index.js';
import { evaluateFreshness, nextFreshnessChangeAtMs, type FreshnessPolicy } from '../domain/assets/index.js';
import { freshnessStateSchema } from '../events/index.js';
import type { AssetFreshnessRecord } from '../fold/index.js';
import type { Store } from '../store/index.js';
import { commit, type RuntimeContext } from './context.js';
import type { LoadedDefinitions } from './definitions-loader.js';

/**
 * How often (daemon clock) the daemon evaluates every policy. Dagster's freshness windows are at
 * least a minute, so half a minute records a change well within the smallest window, and an
 * evaluation costs one read per thousand assets with a policy at most twice a minute.
 */
export const FRESHNESS_EVALUATION_INTERVAL_MS = 30_000;

/** What an asset's freshness policy says at one instant, with what the daemon last recorded. */
export const freshnessViewSchema = z.object({
  state: freshnessStateSchema,
  /** Minutes since the latest materialization of any partition; null when never materialized. */
  lagMinutes: z.number().nullable(),
  failAfterMinutes: z.number().int(),
  warnAfterMinutes: z.number().int().nullable(),
  lastMaterializedAt: z.string().nullable(),
  /** When the state next changes with time alone (PASS→WARN, →FAIL); null when only a materialization changes it. */
  nextChangeAt: z.string().nullable(),
  /** The state the daemon last recorded (an `AssetFreshnessChanged`), or null before its first evaluation. */
  recorded: z.object({ state: freshnessStateSchema, stateVersion: z.number().int(), changedAt: z.string() }).nullable(),
});
export type FreshnessView = z.infer<typeof freshnessViewSchema>;

/** The assets of `keys` (all when omitted) that have a freshness policy, in the order given. */
export function freshnessPolicies(defs: LoadedDefinitions, keys?: readonly string[]): { assetKey: string; policy: FreshnessPolicy }[] {
  const candidates = keys ?? [...defs.assets.keys()].sort();
  return candidates.flatMap((assetKey) => {
    const policy = defs.assets.get(assetKey)?.freshness ?? null;
    return policy === null ? [] : [{ assetKey, policy }];
  });
}

async function subjectsOf(store: Store, policies: readonly { assetKey: string; policy: FreshnessPolicy }[]): Promise<FreshnessSubject[]> {
  const latest = await store.assets.latestMaterializations(policies.map((p) => p.assetKey));
  return policies.map(({ assetKey, policy }) => {
    const m = latest.get(assetKey);
    return { assetKey, policy, lastMaterialization: m ? { sequence: m.sequence, materializedAt: m.materializedAt } : null };
  });
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
      failAfterMinutes: policy.failAfterMinutes,
      warnAfterMinutes: policy.warnAfterMinutes,
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
  const [subjects, recorded] = await Promise.all([subjectsOf(ctx.store, policies), recordedStates(ctx.store)]);
  const drafts = decideFreshnessChanges({ subjects, recorded, nowEpochMs });
  return (await commit(ctx, drafts, nowEpochMs)).appended.length;
}

/** The daemon's part: evaluates at most once per interval of the daemon's clock. */
export class FreshnessRunner {
  private lastEvaluatedAtMs: number | null = null;

  constructor(
    private readonly ctx: RuntimeContext,
    private readonly intervalMs: number = FRESHNESS_EVALUATION_INTERVAL_MS,
  ) {}

  /** Evaluates when an interval has passed since the last evaluation (or the clock went back). */
  async evaluateIfDue(nowEpochMs: number): Promise<void> {
    const last = this.lastEvaluatedAtMs;
    if (last !== null && nowEpochMs >= last && nowEpochMs - last < this.intervalMs) return;
    await recordFreshnessChanges(this.ctx, nowEpochMs);
    this.lastEvaluatedAtMs = nowEpochMs;
  }
}
