/**
 * The instance's Prometheus metrics (`GET /metrics`). Each instance has its own registry, never
 * prom-client's global one, so several servers in one process (tests) keep their numbers apart.
 *
 * Two kinds:
 * - measured where it happens: `arco_ledger_append_seconds` (every append through `instrument`ed
 *   stores, with the fold in its transaction) and `arco_ledger_events_appended_total`;
 * - read from the store at scrape time, each with one bounded query: runs by status, the run
 *   queue, tasks of active runs by status, the ledger's last sequence, and how long ago each running
 *   schedule ticked, each running sensor and the automation evaluated; local worker slots come
 *   from the daemon in this process, when there is one, and remote workers from the store (the
 *   same on every daemon, so they carry their own `kind` and are not summed across daemons).
 */
import { createRequire } from 'node:module';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isWorkerAlive, poolSlotsInUse, RUN_STATUSES, TERMINAL_TASK_STATUSES, TASK_STATUSES, type PoolGranularity } from '../../domain/runs/index.js';
import type { LedgerStore, Store } from '../../store/index.js';

/** The worker slots of the daemon in this process. */
export interface WorkerCounts {
  readonly total: number;
  readonly busy: number;
}

/** What a scrape reads besides the store. */
export interface ScrapeSources {
  readonly store: Store;
  readonly nowEpochMs: number;
  /** Absent when no daemon runs in this process (its workers are then another process's to report). */
  readonly workers?: () => WorkerCounts;
  /** How pool slots are held (instance setting pools.granularity); absent: per task. */
  readonly poolGranularity?: PoolGranularity;
}

export interface InstanceMetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event loop lag, GC). @default false */
  readonly processMetrics?: boolean;
}

/**
 * Buckets of the append histogram, in seconds: a batched SQLite append takes well under a
 * millisecond, a PostgreSQL one a few; the upper buckets catch lock waits and a busy disk.
 */
/**
 * prom-client, loaded by the first InstanceMetrics: importing it (and the OpenTelemetry API it
 * pulls in) costs tens of milliseconds, which commands that import the runtime without serving
 * metrics (`arco run --wait`) need not pay.
 */
let promClient: typeof import('prom-client') | undefined;
function prom(): typeof import('prom-client') {
  promClient ??= createRequire(import.meta.url)('prom-client') as typeof import('prom-client');
  return promClient;
}

const APPEND_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ACTIVE_TASK_STATUSES = TASK_STATUSES.filter((s) => !TERMINAL_TASK_STATUSES.has(s));

export class InstanceMetrics {
  readonly registry: Registry;
  private readonly appendSeconds: Histogram;
  private readonly eventsAppended: Counter;
  private readonly runs: Gauge<'status'>;
  private readonly queueDepth: Gauge;
  private readonly activeTasks: Gauge<'status'>;
  private readonly ledgerSequence: Gauge;
  private readonly workers: Gauge<'kind' | 'state'>;
  private readonly remoteWorkers: Gauge;
  private readonly poolInUse: Gauge<'pool'>;
  private readonly poolLimit: Gauge<'pool'>;
  private readonly scheduleLag: Gauge<'schedule'>;
  private readonly sensorLag: Gauge<'sensor'>;
  private readonly automationLag: Gauge;
  private scraping: Promise<unknown> = Promise.resolve();

  constructor(options: InstanceMetricsOptions = {}) {
    const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = prom();
    this.registry = new Registry();
    const registers = [this.registry];
    this.appendSeconds = new Histogram({ name: 'arco_ledger_append_seconds', help: 'Time of one ledger append (a batch of events with its fold), in seconds.', buckets: APPEND_BUCKETS_SECONDS, registers });
    this.eventsAppended = new Counter({ name: 'arco_ledger_events_appended_total', help: 'Events appended to the ledger by this process (duplicates dropped by the idempotency gate are not counted).', registers });
    this.runs = new Gauge({ name: 'arco_runs', help: 'Runs in the store by status.', labelNames: ['status'], registers });
    this.queueDepth = new Gauge({ name: 'arco_run_queue_depth', help: 'Runs QUEUED: requested and waiting to start.', registers });
    this.activeTasks = new Gauge({ name: 'arco_active_tasks', help: 'Tasks of runs in progress (started or canceling), by task status; DISPATCHED and RUNNING hold a worker. Queued runs are counted by arco_run_queue_depth.', labelNames: ['status'], registers });
    this.ledgerSequence = new Gauge({ name: 'arco_ledger_sequence', help: 'Sequence number of the last event in the ledger.', registers });
    this.poolInUse = new Gauge({ name: 'arco_pool_slots_in_use', help: 'Tasks holding a slot of each pool (DISPATCHED or RUNNING).', labelNames: ['pool'], registers });
    this.poolLimit = new Gauge({ name: 'arco_pool_slot_limit', help: 'Slot limit of each pool with one (arco pool set).', labelNames: ['pool'], registers });
    this.workers = new Gauge({
      name: 'arco_workers',
      help: 'Worker slots, busy (running or about to run an attempt) or idle: kind local, of the daemon in this process; kind remote, of the live remote workers (read from the store, the same on every daemon).',
      labelNames: ['kind', 'state'],
      registers,
    });
    this.remoteWorkers = new Gauge({ name: 'arco_remote_workers', help: 'Remote workers (arco worker) registered and heard from within their heartbeat timeout.', registers });
    this.scheduleLag = new Gauge({ name: 'arco_schedule_tick_lag_seconds', help: 'Seconds since the scheduled time of the last tick of each RUNNING schedule.', labelNames: ['schedule'], registers });
    this.sensorLag = new Gauge({ name: 'arco_sensor_evaluation_lag_seconds', help: 'Seconds since the last evaluation of each RUNNING sensor started.', labelNames: ['sensor'], registers });
    this.automationLag = new Gauge({ name: 'arco_automation_evaluation_lag_seconds', help: 'Seconds since the last automation condition evaluation (0 until the first: no assets with automation conditions, nothing late).', registers });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** The store with each ledger append timed; everything else is the store itself. */
  instrument(store: Store): Store {
    const ledger = store.ledger;
    const timed: LedgerStore = {
      append: async (events, appendOptions) => {
        const end = this.appendSeconds.startTimer();
        try {
          const result = await ledger.append(events, appendOptions);
          this.eventsAppended.inc(result.appended.length);
          return result;
        } finally {
          end();
        }
      },
      readEvents: (query) => ledger.readEvents(query),
      lastSequence: () => ledger.lastSequence(),
    };
    return { ...store, ledger: timed };
  }

  /** Reads the gauges from the store and returns the text exposition format. */
  scrape(sources: ScrapeSources): Promise<string> {
    // One at a time: a scrape resets gauges before setting them, and two interleaved would mix.
    const next = this.scraping.then(() => this.read(sources));
    this.scraping = next.catch(() => undefined);
    return next;
  }

  private async read(sources: ScrapeSources): Promise<string> {
    const { store, nowEpochMs } = sources;
    const [counts, heads, lastSequence, schedules, sensors, cursor, poolLimits, remoteWorkers, dispatches] = await Promise.all([
      store.runs.countRunsByStatus(),
      store.runs.listActiveRunHeads(),
      store.ledger.lastSequence(),
      store.automation.listScheduleStates(),
      store.automation.listSensorStates(),
      store.automation.getAutomationCursor(),
      store.runs.listPoolLimits(),
      store.workers.listWorkers(),
      store.workers.listDispatches(),
    ]);
    // Queued runs have no task past READY: read whole only the runs in progress (a long queue stays cheap).
    const activeRuns = await store.runs.getRuns(heads.filter((h) => h.status !== 'QUEUED').map((h) => h.runId));
    for (const status of RUN_STATUSES) this.runs.set({ status }, counts.get(status) ?? 0);
    this.queueDepth.set(counts.get('QUEUED') ?? 0);
    const tasks = new Map<string, number>(ACTIVE_TASK_STATUSES.map((s) => [s, 0]));
    for (const run of activeRuns) for (const task of run.tasks) if (tasks.has(task.status)) tasks.set(task.status, (tasks.get(task.status) ?? 0) + 1);
    for (const [status, count] of tasks) this.activeTasks.set({ status }, count);
    this.poolInUse.reset();
    this.poolLimit.reset();
    const inUse = poolSlotsInUse(activeRuns, sources.poolGranularity);
    for (const pool of new Set([...poolLimits.map((p) => p.pool), ...inUse.keys()])) this.poolInUse.set({ pool }, inUse.get(pool) ?? 0);
    for (const p of poolLimits) if (p.limit !== null) this.poolLimit.set({ pool: p.pool }, p.limit);
    this.ledgerSequence.set(lastSequence);
    this.workers.reset();
    const workers = sources.workers?.();
    if (workers) {
      this.workers.set({ kind: 'local', state: 'busy' }, workers.busy);
      this.workers.set({ kind: 'local', state: 'idle' }, workers.total - workers.busy);
    }
    const live = remoteWorkers.filter((w) => isWorkerAlive(w, nowEpochMs));
    this.remoteWorkers.set(live.length);
    if (live.length > 0) {
      const held = new Map<string, number>();
      for (const d of dispatches) held.set(d.workerId, (held.get(d.workerId) ?? 0) + 1);
      // An attempt dispatched to a worker holds one of its slots until the leader records its end.
      const busy = live.reduce((sum, w) => sum + Math.min(w.slots, held.get(w.workerId) ?? 0), 0);
      const total = live.reduce((sum, w) => sum + w.slots, 0);
      this.workers.set({ kind: 'remote', state: 'busy' }, busy);
      this.workers.set({ kind: 'remote', state: 'idle' }, total - busy);
    }
    const secondsSince = (epochMs: number) => Math.max(0, (nowEpochMs - epochMs) / 1000);
    // Reset, so a schedule or sensor stopped or removed since the last scrape leaves the output.
    this.scheduleLag.reset();
    for (const s of schedules) if (s.status === 'RUNNING' && s.lastTick) this.scheduleLag.set({ schedule: s.scheduleName }, secondsSince(s.lastTick.epochSeconds * 1000));
    this.sensorLag.reset();
    for (const s of sensors) if (s.status === 'RUNNING' && s.lastEvaluationAt) this.sensorLag.set({ sensor: s.sensorName }, secondsSince(Date.parse(s.lastEvaluationAt)));
    this.automationLag.reset();
    if (cursor) this.automationLag.set(secondsSince(Date.parse(cursor.evaluatedAt)));
    return this.registry.metrics();
  }
}
