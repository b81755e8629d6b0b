/**
 * What must hold after a seed, whatever faults it injected (SEMANTICS §1-§7). Each check reads
 * the ledger and projections of the real store and returns the violations it found, labelled
 * correctness (a wrong or doubled effect) or liveness (something never finished).
 *
 * - No duplicate effect: each idempotency key once in the ledger; each (run, task, attempt)
 *   finished once; each task materialized at most once per run; a task that succeeded is never
 *   dispatched again in its run; a backfill chunk is planned once; a sensor's evaluations that
 *   moved its cursor chain (each starts where the last recorded one ended).
 * - Run retries: a retry follows a run that ended FAILURE, within the maximum; its run key (one
 *   run per key, below) makes it exactly once.
 * - No lost run: every run a client was answered, every RunRequested, is in the runs projection;
 *   each run key maps to one run, the one the projection finds by key.
 * - Everything ends: no active run and no active backfill after the drain.
 * - Schedules: at most one tick per tick time, in increasing tick time per schedule, each tick's
 *   run exists under the tick's run key, and the latest tick due since the schedule started
 *   running is recorded.
 * - Projections = replay: rebuilding every projection from the ledger gives the same hash.
 */
import type { StoredEvent } from '../../src/events/index.js';
import type { Store } from '../../src/store/index.js';
import { SCHEDULE_PERIODS_MS } from './definitions.js';
import type { ClientRecord, Failure } from './world.js';

const PAGE = 5_000;

export async function readLedger(store: Store): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.ledger.readEvents({ afterSequence: events.at(-1)?.sequence ?? 0, limit: PAGE });
    events.push(...page);
    if (page.length < PAGE) return events;
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function repeated(counts: Map<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} x${n}`);
}

function of<T extends StoredEvent['type']>(events: readonly StoredEvent[], type: T): Extract<StoredEvent, { type: T }>[] {
  return events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
}

/** Checks over the ledger alone: cheap enough to run during a seed too. */
export function ledgerViolations(events: readonly StoredEvent[]): Failure[] {
  const failures: Failure[] = [];
  const wrong = (message: string) => failures.push({ kind: 'correctness', message });
  const keys = repeated(countBy(events, (e) => `${e.workspace}/${e.idempotencyKey}`));
  if (keys.length > 0) wrong(`idempotency keys appended more than once: ${keys.join(', ')}`);
  const finished = repeated(countBy(of(events, 'TaskAttemptFinished'), (e) => `${e.payload.runId}/${e.payload.taskKey}/${e.payload.attempt}`));
  if (finished.length > 0) wrong(`attempts finished more than once: ${finished.join(', ')}`);
  const materialized = repeated(countBy(of(events, 'AssetMaterialized'), (e) => `${e.payload.runId}/${e.payload.assetKey}/${e.payload.partitionKey ?? ''}`));
  if (materialized.length > 0) wrong(`tasks materialized more than once in one run: ${materialized.join(', ')}`);
  const chunks = repeated(countBy(of(events, 'BackfillChunkPlanned'), (e) => `${e.payload.backfillId}/${e.payload.chunkIndex}`));
  if (chunks.length > 0) wrong(`backfill chunks planned more than once: ${chunks.join(', ')}`);
  const succeeded = new Set<string>();
  for (const e of events) {
    if (e.type === 'TaskAttemptFinished' && e.payload.outcome === 'SUCCEEDED') succeeded.add(`${e.payload.runId}/${e.payload.taskKey}`);
    if (e.type === 'TaskDispatched' && succeeded.has(`${e.payload.runId}/${e.payload.taskKey}`)) {
      wrong(`task ${e.payload.taskKey} of run ${e.payload.runId} dispatched again (attempt ${e.payload.attempt}, sequence ${e.sequence}) after it succeeded`);
    }
  }
  const runsByKey = new Map<string, Set<string>>();
  for (const e of of(events, 'RunRequested')) {
    if (e.payload.runKey === null) continue;
    const runs = runsByKey.get(e.payload.runKey) ?? new Set<string>();
    runs.add(e.payload.runId);
    runsByKey.set(e.payload.runKey, runs);
  }
  for (const [runKey, runs] of runsByKey) if (runs.size > 1) wrong(`run key ${runKey} requested for ${runs.size} runs: ${[...runs].join(', ')}`);
  // Run retries: only a run that ended FAILURE is retried, and a retry is not retried (max 1).
  const retried = new Map<string, number>();
  const failedRuns = new Set(of(events, 'RunFinished').filter((e) => e.payload.status === 'FAILURE').map((e) => e.payload.runId));
  for (const e of of(events, 'RunRequested')) {
    // Rows built by hand for the checks' own tests may carry no tags.
    const tags: Readonly<Record<string, string>> = e.payload.tags ?? {};
    const parent = tags['arco/parent_run_id'];
    if (tags['arco/retry_number'] === undefined || parent === undefined) continue;
    if (!failedRuns.has(parent)) wrong(`run ${e.payload.runId} retries ${parent}, which had not ended FAILURE (sequence ${e.sequence})`);
    if (tags['arco/retry_number'] !== '1') wrong(`run ${e.payload.runId} is retry ${tags['arco/retry_number']}, beyond max 1`);
    retried.set(parent, (retried.get(parent) ?? 0) + 1);
  }
  const twice = [...retried].filter(([, n]) => n > 1).map(([runId, n]) => `${runId} x${n}`);
  if (twice.length > 0) wrong(`runs retried more than once: ${twice.join(', ')}`);
  // A sensor's recorded evaluations chain their cursors: none lost, none applied twice.
  const cursors = new Map<string, string | null>();
  for (const e of of(events, 'SensorEvaluated')) {
    // A STALE evaluation is recorded history that changed nothing (SEMANTICS §1).
    if (e.payload.status === 'STALE' || e.payload.cursorAfter === e.payload.cursorBefore) continue;
    const name = e.payload.sensorName;
    if (cursors.has(name) && cursors.get(name) !== e.payload.cursorBefore) {
      wrong(`sensor ${name} evaluated from cursor ${e.payload.cursorBefore} (sequence ${e.sequence}) after recording cursor ${cursors.get(name)}`);
    }
    cursors.set(name, e.payload.cursorAfter);
  }
  const lastTick = new Map<string, number>();
  for (const e of of(events, 'ScheduleTicked')) {
    const previous = lastTick.get(e.payload.scheduleName);
    if (previous !== undefined && e.payload.tickEpochSeconds <= previous) {
      wrong(`schedule ${e.payload.scheduleName} recorded tick ${e.payload.tickEpochSeconds} after tick ${previous} (sequence ${e.sequence})`);
    }
    lastTick.set(e.payload.scheduleName, e.payload.tickEpochSeconds);
  }
  return failures;
}

/** Every check, after the drain. */
export async function finalViolations(store: Store, events: readonly StoredEvent[], clients: ClientRecord, nowEpochMs: number): Promise<Failure[]> {
  const failures = ledgerViolations(events);
  const wrong = (message: string) => failures.push({ kind: 'correctness', message });
  const stuck = (message: string) => failures.push({ kind: 'liveness', message });

  const requested = of(events, 'RunRequested');
  for (const runId of new Set([...clients.acknowledgedRuns, ...requested.map((e) => e.payload.runId)])) {
    if (!(await store.runs.getRun(runId))) wrong(`run ${runId} was requested (or answered to a client) but is not in the runs projection`);
  }
  for (const e of requested) {
    if (e.payload.runKey === null) continue;
    const holder = await store.runs.getRunByKey(e.payload.runKey);
    if (holder?.runId !== e.payload.runId) wrong(`run key ${e.payload.runKey} finds ${holder?.runId ?? 'no run'}, but ${e.payload.runId} was requested with it`);
  }
  for (const backfillId of clients.acknowledgedBackfills) {
    if (!(await store.backfills.getBackfill(backfillId))) wrong(`backfill ${backfillId} was answered to a client but is not in the backfills projection`);
  }
  const active = await store.runs.listActiveRuns();
  if (active.length > 0) stuck(`runs not terminal after the drain: ${active.map((r) => `${r.runId}=${r.status}`).join(', ')}`);
  const backfills = await store.backfills.listActiveBackfills();
  if (backfills.length > 0) stuck(`backfills not terminal after the drain: ${backfills.map((b) => `${b.backfillId}=${b.status}`).join(', ')}`);

  for (const tick of of(events, 'ScheduleTicked')) {
    if (tick.payload.runId === null) continue;
    const run = await store.runs.getRun(tick.payload.runId);
    if (run?.runKey !== tick.payload.runKey) wrong(`schedule ${tick.payload.scheduleName} tick ${tick.payload.tickEpochSeconds} names run ${tick.payload.runId}, which is ${run ? `keyed ${run.runKey}` : 'missing'}`);
  }
  for (const state of await store.automation.listScheduleStates()) {
    const periodMs = SCHEDULE_PERIODS_MS[state.scheduleName];
    if (periodMs === undefined || state.status !== 'RUNNING' || state.runningSince === null) continue;
    const latestDue = Math.floor(nowEpochMs / periodMs) * periodMs;
    if (latestDue < Date.parse(state.runningSince)) continue;
    if ((state.lastTick?.epochSeconds ?? -1) < latestDue / 1000) {
      stuck(`schedule ${state.scheduleName}: the tick due at ${new Date(latestDue).toISOString()} was never recorded (last: ${state.lastTick?.local ?? 'none'})`);
    }
  }

  const before = await store.admin.projectionHash();
  const rebuilt = await store.admin.rebuildProjections();
  if (rebuilt.hash !== before) wrong(`projections differ from a replay of the ledger: hash ${before} before, ${rebuilt.hash} after rebuilding ${rebuilt.events} events`);
  return failures;
}
