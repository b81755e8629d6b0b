/**
 * Run queue limits (SEMANTICS §3): tag concurrency limits on the runs in progress and pool slot
 * limits on the tasks running. Counting is from the runs and tasks as they are, never kept apart,
 * so whatever ends a run or an attempt (success, failure, cancel, a lost worker) frees its place.
 */

/** Caps the runs in progress carrying a tag: per value, for one value, or per unique value. */
export interface TagConcurrencyLimit {
  readonly key: string;
  /** Only runs whose tag has this value count; absent: every run with the key counts together. */
  readonly value?: string;
  readonly limit: number;
  /** Each distinct value of the key gets its own `limit`. */
  readonly perUniqueValue?: boolean;
}

type Tags = Readonly<Record<string, string>>;

/** The bucket a run's tags fall in for one limit, or undefined when the limit does not apply to it. */
function bucketOf(limit: TagConcurrencyLimit, tags: Tags): string | undefined {
  const value = tags[limit.key];
  if (value === undefined) return undefined;
  if (limit.value !== undefined) return value === limit.value ? value : undefined;
  return limit.perUniqueValue ? value : '';
}

/** How a limit reads to a user: `tag team=data: 2/2 runs`. */
function describe(limit: TagConcurrencyLimit, bucket: string, inUse: number): string {
  const tag = limit.value !== undefined || limit.perUniqueValue ? `${limit.key}=${bucket}` : limit.key;
  return `tag ${tag}: ${inUse}/${limit.limit} runs`;
}

/** Counts runs in progress per limit and bucket, and says which limit, if any, holds a run back. */
export class TagLimitCounter {
  private readonly counts: Map<string, number>[];

  constructor(
    private readonly limits: readonly TagConcurrencyLimit[],
    inProgress: Iterable<Tags>,
  ) {
    this.counts = limits.map(() => new Map());
    for (const tags of inProgress) this.add(tags);
  }

  add(tags: Tags): void {
    this.limits.forEach((limit, i) => {
      const bucket = bucketOf(limit, tags);
      if (bucket === undefined) return;
      const counts = this.counts[i] as Map<string, number>;
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    });
  }

  /** The first full limit a run with these tags falls under, described; undefined when it may start. */
  blockingLimit(tags: Tags): string | undefined {
    for (let i = 0; i < this.limits.length; i += 1) {
      const limit = this.limits[i] as TagConcurrencyLimit;
      const bucket = bucketOf(limit, tags);
      if (bucket === undefined) continue;
      const inUse = this.counts[i]?.get(bucket) ?? 0;
      if (inUse >= limit.limit) return describe(limit, bucket, inUse);
    }
    return undefined;
  }
}

/** Tasks holding a pool slot: dispatched or running. */
export function holdsPoolSlot(status: string): boolean {
  return status === 'DISPATCHED' || status === 'RUNNING';
}

/** Tasks of the run executing now: those holding a worker, the same ones that hold a pool slot. */
export function executingTasks(run: { readonly tasks: readonly { readonly status: string }[] }): number {
  return run.tasks.filter((t) => holdsPoolSlot(t.status)).length;
}

/**
 * How pool slots are held (instance setting `pools.granularity`, Dagster's `op | run`): `task`, one
 * slot per task while it executes; `run`, one slot of each pool its tasks use per run, from its
 * first dispatch until it ends, however many of its tasks use the pool at once.
 */
export type PoolGranularity = 'task' | 'run';

/** What pool counting reads of a run. */
export interface PooledRun {
  readonly runId: string;
  readonly status: string;
  readonly tasks: readonly { readonly pool?: string; readonly status: string; readonly attempts: readonly unknown[] }[];
}

/** The pools a run's tasks use, each once. */
export function runPools(run: PooledRun): string[] {
  return [...new Set(run.tasks.flatMap((t) => (t.pool === undefined ? [] : [t.pool])))];
}

/** With `run` granularity: the run in progress has dispatched a task, so it holds its pools' slots. */
export function runHoldsPoolSlots(run: PooledRun): boolean {
  return (run.status === 'STARTED' || run.status === 'CANCELING') && run.tasks.some((t) => t.attempts.length > 0);
}

/** Slots in use per pool among `runs`: tasks holding one, or with `run` granularity runs holding one. */
export function poolSlotsInUse(runs: Iterable<PooledRun>, granularity: PoolGranularity = 'task'): Map<string, number> {
  const inUse = new Map<string, number>();
  const count = (pool: string) => inUse.set(pool, (inUse.get(pool) ?? 0) + 1);
  for (const run of runs) {
    if (granularity === 'run') {
      if (runHoldsPoolSlots(run)) runPools(run).forEach(count);
    } else {
      for (const task of run.tasks) if (task.pool !== undefined && holdsPoolSlot(task.status)) count(task.pool);
    }
  }
  return inUse;
}

/** How a full pool reads to a user: `pool warehouse: 4/4 in use`. */
export function describePoolWait(pool: string, inUse: number, limit: number): string {
  return `pool ${pool}: ${inUse}/${limit} in use`;
}

/** How the run limit reads to a user. */
export function describeRunLimitWait(inProgress: number, limit: number): string {
  return `maxConcurrentRuns: ${inProgress}/${limit} runs in progress`;
}
