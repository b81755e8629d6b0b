/**
 * Pools (Dagster's concurrency pools): an asset's `pool` makes its tasks take one of the pool's
 * slots while they run; `arco pool set NAME LIMIT` caps the slots. Limits live in the ledger
 * (PoolLimitSet), so a change is recorded with who made it and takes effect at the next daemon
 * iteration; in-use counts are read from the tasks holding a slot now.
 */
import { z } from 'zod';
import { poolSlotsInUse, type PoolGranularity } from '../domain/runs/index.js';
import { draft, idempotencyKeys } from '../events/index.js';
import { commit } from '../runtime/index.js';
import { defineOperation, type OperationContext } from './operation.js';

const poolNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -');

const poolSchema = z
  .object({
    pool: z.string(),
    limit: z.number().nullable().describe('slots; null: unlimited'),
    limitFrom: z.enum(['pool', 'default']).nullable().describe('pool: set for this pool (arco pool set); default: the instance setting pools.defaultLimit; null: unlimited, nothing set'),
    inUse: z.number().describe('slots in use now: tasks executing in the pool, or with pools.granularity run the runs holding one'),
    assets: z.array(z.string()).describe('assets of the loaded definitions in the pool'),
  })
  .describe('Pool');

/** Slots in use per pool, from the runs in progress (queued runs hold none). */
async function slotsInUse(ctx: OperationContext, granularity: PoolGranularity): Promise<Map<string, number>> {
  const heads = await ctx.store.runs.listActiveRunHeads();
  return poolSlotsInUse(await ctx.store.runs.getRuns(heads.filter((h) => h.status !== 'QUEUED').map((h) => h.runId)), granularity);
}

export const listPoolsOp = defineOperation({
  name: 'listPools',
  summary: 'List pools: their slot limits, the slots in use now and the assets in each',
  group: 'pools',
  method: 'GET',
  path: '/api/v1/pools',
  output: z.object({ pools: z.array(poolSchema) }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx) {
    const runtime = await ctx.runtime();
    const [limits, inUse] = await Promise.all([ctx.store.runs.listPoolLimits(), slotsInUse(ctx, runtime.definitions.definitions.instance.pools.granularity)]);
    const assets = new Map<string, string[]>();
    for (const asset of runtime.definitions.definitions.assets) if (asset.pool !== null) assets.set(asset.pool, [...(assets.get(asset.pool) ?? []), asset.key]);
    const names = [...new Set([...limits.map((l) => l.pool), ...inUse.keys(), ...assets.keys()])].sort();
    const limitOf = new Map(limits.map((l) => [l.pool, l.limit]));
    const defaultLimit = runtime.definitions.definitions.instance.pools.defaultLimit;
    return {
      pools: names.map((pool) => {
        // A pool's own limit, even "unlimited", wins over the default for pools without one.
        const own = limitOf.has(pool);
        const limit = own ? (limitOf.get(pool) ?? null) : defaultLimit;
        return { pool, limit, limitFrom: own ? ('pool' as const) : defaultLimit === null ? null : ('default' as const), inUse: inUse.get(pool) ?? 0, assets: assets.get(pool) ?? [] };
      }),
    };
  },
});

export const setPoolLimitOp = defineOperation({
  name: 'setPoolLimit',
  summary: 'Set a pool’s slot limit (null: unlimited); tasks of its assets wait while every slot is taken',
  group: 'pools',
  method: 'POST',
  path: '/api/v1/pools/:pool',
  params: z.object({ pool: poolNameSchema }),
  body: z.object({ limit: z.number().int().min(0).max(100_000).nullable().describe('slots; 0 holds every task of the pool; null: unlimited') }).strict(),
  output: z.object({ pool: z.string(), limit: z.number().nullable() }),
  idempotent: true,
  role: 'operator',
  async handler(ctx, { pool, limit }) {
    const runtime = await ctx.runtime();
    const now = runtime.clock.now();
    const requestId = runtime.ids.ulid(now);
    await commit(runtime, [draft('PoolLimitSet', { pool, limit, requestId }, idempotencyKeys.poolLimitSet(pool, requestId), null)], now);
    return { pool, limit };
  },
});
