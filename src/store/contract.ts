/**
 * Longer than 400 lines because the contract is read as one page: every family's interface and the
 * `Store` composing them, documented, side by side.
 *
 * The Store contract. Engine-neutral and asynchronous, so SQLite (embedded, one file) and
 * PostgreSQL (many daemons and workers) fit behind it without changing a caller.
 *
 * How commits are shaped: read -> pure decide -> conditional append. A caller reads projections,
 * calls a pure decision function, and appends the resulting events, optionally with `expect`:
 * the versions of the rows it read. The append checks those versions, inserts the events through the
 * idempotency gate and folds the accepted ones into the projections, all in one transaction.
 * Either every non-duplicate event of a batch is applied, or (on a version mismatch, error
 * CONCURRENT_MODIFICATION) nothing is; the caller re-reads and decides again.
 *
 * The contract is split into small per-family interfaces; a `Store` is composed of one part per
 * family (`store.ledger`, `store.runs`, `store.automation`, …), each implemented by the engine
 * directly, so adding a family adds a part rather than growing one interface every engine delegates.
 */
import type { SchemaVersion } from './schema-version.js';
import type { DispatchWatch } from './signals.js';
import type { ArcoEvent, FreshnessState, StoredEvent } from '../events/index.js';
import type { RunProjection, Materialization, AssetPartitionState, LogLine, RunKeyConflict, PoolLimit } from '../fold/index.js';
import type { ScheduleStateRead, ScheduleTick, SensorState, SensorHistoryEntry, DynamicPartitionsSet } from '../fold/index.js';
import type { BackfillChunk, BackfillProjection } from '../fold/index.js';
import type { AssetCheckResult, AssetFreshnessRecord, AutomationCursorRow, AutomationEvaluationRow } from '../fold/index.js';
import type { AssetPartitionStatusRow, AssetWipe } from '../fold/index.js';
import type { RunStatus } from '../domain/runs/index.js';

/** "The row `id` of projection `table` still has this version" (0: it does not exist yet). */
export interface VersionExpectation {
  /**
   * `sensor_states` rows are versioned by their `stateVersion` (sensor compare-and-swap), and so
   * are `backfills` rows (a state change or a chunk planned from a state that changed meanwhile).
   */
  readonly table: 'runs' | 'sensor_states' | 'backfills';
  readonly id: string;
  readonly version: number;
}

/** "The lease `lease` still carries fencing token `token`": what a leader's appends are fenced by. */
export interface LeaderFence {
  readonly lease: string;
  readonly token: number;
}

export interface AppendOptions {
  readonly expect?: readonly VersionExpectation[];
  /**
   * Appends made because this process leads (controller decisions, automation, backfills) carry
   * the token of its lease grant; the append is refused when another holder took the lease since.
   * Appends requested by users and workers carry none and are never fenced.
   */
  readonly fence?: LeaderFence;
}

export interface AppendResult {
  /** The events that were new, with their ledger sequence numbers, in order. */
  readonly appended: readonly StoredEvent[];
  /** Idempotency keys of batch members dropped because the key already existed. */
  readonly duplicates: readonly string[];
}

export interface LedgerStore {
  /**
   * @throws CONCURRENT_MODIFICATION when an expectation does not hold, LEADER_FENCED when the
   * fence's lease carries another token (in both cases nothing is appended).
   */
  append(events: readonly ArcoEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Events after `afterSequence` in sequence order. @throws CORRUPT_EVENT naming the sequence. */
  readEvents(query: { afterSequence?: number; limit: number; correlationId?: string }): Promise<StoredEvent[]>;
  lastSequence(): Promise<number>;
}

export interface RunListQuery {
  readonly statuses?: readonly RunStatus[];
  /** Exact tag matches, all required, e.g. `[["arco/schedule_name", "daily"]]`. */
  readonly tags?: readonly (readonly [string, string])[];
  /** Runs whose selection holds this asset. */
  readonly assetKey?: string;
  /** Created at or after (ISO-8601 UTC). */
  readonly createdFrom?: string;
  /** Created before (ISO-8601 UTC). */
  readonly createdBefore?: string;
  readonly triggerKind?: string;
  /** Cursor: return runs created before this run id (newest first). */
  readonly before?: string;
  readonly limit: number;
}

/** A run's status, version and tags: the part of a run document queue admission reads. */
export interface RunHead {
  readonly runId: string;
  readonly status: RunStatus;
  readonly version: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** What RunStore.readChangedRuns read. */
export interface ChangedRuns {
  readonly queued: RunHead[];
  readonly inProgress: RunProjection[];
  readonly through: number;
}

export interface RunStore {
  getRun(runId: string): Promise<RunProjection | undefined>;
  getRunByKey(runKey: string): Promise<RunProjection | undefined>;
  /** Newest first; stable order by run id (ULIDs sort by creation time). */
  listRuns(query: RunListQuery): Promise<RunProjection[]>;
  /** Runs not yet in a terminal status, oldest first. */
  listActiveRuns(): Promise<RunProjection[]>;
  /** How many runs have each status (statuses no run has are left out): one grouped count, for `/metrics`. */
  countRunsByStatus(): Promise<Map<RunStatus, number>>;
  /** Every pool with a limit set (`arco pool set`), by name; a removed limit reads as null. */
  listPoolLimits(): Promise<PoolLimit[]>;
  /** The runs among `runIds` that exist, in id order (any status). */
  getRuns(runIds: readonly string[]): Promise<RunProjection[]>;
  /**
   * The heads of the runs not yet in a terminal status, oldest first: what queue admission needs,
   * read without parsing whole run documents (a queue of many thousand runs stays cheap to load).
   */
  listActiveRunHeads(): Promise<RunHead[]>;
  /** The heads of the runs among `runIds` that exist, in id order (any status). */
  getRunHeads(runIds: readonly string[]): Promise<RunHead[]>;
  /**
   * Of the runs among `runIds`, in id order: the heads of those QUEUED and, whole (as getRuns),
   * those in progress (STARTED, CANCELING); terminal and missing ones are left out. The
   * coordinator's read of the runs that changed, in one statement where the engine can.
   * `through`: the last ledger sequence the read reflects. The documents are exact through it:
   * they hold every event up to it and none after (appends commit in sequence order and fold in
   * their own transaction), so a reader following the ledger can apply later events itself.
   */
  readChangedRuns(runIds: readonly string[]): Promise<ChangedRuns>;
  /** Run-key conflicts (of one run key, or all), newest first. */
  listRunKeyConflicts(query: { runKey?: string; limit: number }): Promise<RunKeyConflict[]>;
}

export type RequestKeyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'pending'; readonly requestHash: string }
  | { readonly state: 'done'; readonly requestHash: string; readonly status: number; readonly body: string };

/**
 * Idempotency-Key support for mutating API requests: remembers the first response per
 * (scope, key). Operational state, not a projection: it caches answers, decisions are events.
 */
export interface RequestKeyStore {
  /** Claims the key for this request, or returns what an earlier request with the key holds. */
  claimRequestKey(scope: string, key: string, requestHash: string, nowEpochMs: number): Promise<RequestKeyClaim>;
  completeRequestKey(scope: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets a claim whose request failed unexpectedly, so a retry can run. */
  releaseRequestKey(scope: string, key: string): Promise<void>;
}

export interface SqlResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly truncated: boolean;
}

/** What one system SQL query may spend (defaults in src/store/system-sql.ts). */
export interface SqlLimits {
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

export interface SystemSqlStore {
  /**
   * Runs one read-only query over the `system_*` views, sandboxed (docs/security.md). At most
   * `maxRows` rows come back (`truncated` says there were more). @throws SQL_REFUSED for anything
   * but one query reading the views, SQL_TIMEOUT, SQL_RESULT_TOO_LARGE, and SQL_ERROR when the
   * database rejects the query.
   */
  querySystem(sql: string, maxRows: number, limits?: Partial<SqlLimits>): Promise<SqlResult>;
}

/** An asset's recorded freshness state (the `asset_freshness` columns). */
export interface FreshnessStateRead {
  readonly assetKey: string;
  readonly state: FreshnessState;
  readonly stateVersion: number;
}

/** An asset's latest materialization of any partition: its ledger sequence and time (ISO-8601). */
export interface LastMaterializedAt {
  readonly sequence: number;
  readonly materializedAt: string;
}

export interface AssetStore {
  /** Latest state of every asset partition of `assetKey`, or of all assets. */
  listAssetPartitions(assetKey?: string): Promise<AssetPartitionState[]>;
  /** Newest first. */
  listMaterializations(assetKey: string, limit: number): Promise<Materialization[]>;
  /** The freshness state last recorded for each asset whose policy was evaluated, in key order. */
  listAssetFreshness(): Promise<AssetFreshnessRecord[]>;
  /** The freshness state last recorded for one asset, if its policy was ever evaluated. */
  getAssetFreshness(assetKey: string): Promise<AssetFreshnessRecord | undefined>;
  /**
   * Each asset's recorded freshness state and its version, read from columns (no document is
   * parsed): what the daemon compares against on every evaluation.
   */
  listFreshnessStates(): Promise<FreshnessStateRead[]>;
  /** When each of `assetKeys` that was ever materialized was last materialized (any partition), by key. */
  latestMaterializedAt(assetKeys: readonly string[]): Promise<Map<string, LastMaterializedAt>>;
  /** Materializations after a ledger sequence, oldest first, at most `limit`: asset, sequence and time only. */
  listMaterializedAtAfter(afterSequence: number, limit: number): Promise<(LastMaterializedAt & { readonly assetKey: string })[]>;
  /** An asset's materialized and failed partitions (undefined: none materialized or failed yet). */
  getAssetPartitionStatus(assetKey: string): Promise<AssetPartitionStatusRow | undefined>;
  /** Every asset's partition status row, by asset key. */
  listAssetPartitionStatuses(): Promise<AssetPartitionStatusRow[]>;
  /**
   * Asset wipes, newest first: of one asset or of all, only those after a ledger sequence when
   * `afterSequence` is given.
   */
  listAssetWipes(query: { readonly assetKey?: string; readonly afterSequence?: number; readonly limit: number }): Promise<AssetWipe[]>;
  /** The latest state of one asset partition (null: the unpartitioned asset), if it has one. */
  getAssetPartition(assetKey: string, partitionKey: string | null): Promise<AssetPartitionState | undefined>;
}

/** Asset check results (fold/asset-checks.ts). */
export interface AssetCheckStore {
  /** The latest execution of each check of `assetKey`, per partition, by check name then partition key. */
  listAssetCheckResults(assetKey: string): Promise<AssetCheckResult[]>;
}

export interface LogStore {
  listLogs(runId: string, query: { afterSequence?: number; limit: number }): Promise<LogLine[]>;
}

export interface AdminStore {
  /** sha256 over a canonical dump of every projection (sorted rows, canonical JSON). */
  projectionHash(): Promise<string>;
  /** Drops every projection and replays the ledger in sequence order. */
  rebuildProjections(onProgress?: (done: number, total: number) => void): Promise<{ events: number; hash: string }>;
  /**
   * Ids of history rows recorded before `beforeIso`, oldest first, at most `limit` (retention). The
   * latest tick of each schedule is never listed: a schedule reads its last tick from there.
   */
  listExpiredRecords(kind: ExpiredRecordKind, beforeIso: string, limit: number): Promise<string[]>;
  /** Ids of runs that ended before `beforeIso`, oldest first, at most `limit` (retention). */
  listExpiredRuns(beforeIso: string, limit: number): Promise<string[]>;
}

export type ExpiredRecordKind = 'scheduleTicks' | 'sensorHistory' | 'automationEvaluations';

/** A schedule tick with the current status of the run it requested (null: no run, or not found). */
export type ScheduleTickWithRun = ScheduleTick & { readonly runStatus: RunStatus | null };

export interface ScheduleTickQuery {
  readonly scheduleName: string;
  readonly statuses?: readonly ScheduleTick['status'][];
  /** Cursor: ticks strictly before this tick time (newest first). */
  readonly beforeEpochSeconds?: number;
  readonly limit: number;
}

export interface SensorHistoryQuery {
  readonly sensorName: string;
  /** Only evaluations with these statuses (operator changes are left out when given). */
  readonly statuses?: readonly NonNullable<SensorHistoryEntry['status']>[];
  /** Cursor: entries strictly before this ledger sequence (newest first). */
  readonly beforeSequence?: number;
  readonly limit: number;
}

/** A run reaching a terminal status, as the ledger recorded it. */
export interface RunFinishedRecord {
  readonly sequence: number;
  readonly runId: string;
  readonly status: 'SUCCESS' | 'FAILURE' | 'CANCELED';
}

/** Schedules, sensors and dynamic partitions sets (SEMANTICS §4-§6). */
export interface AutomationStore {
  /** Every schedule's state with its latest tick, by name. */
  listScheduleStates(): Promise<ScheduleStateRead[]>;
  getScheduleState(scheduleName: string): Promise<ScheduleStateRead | undefined>;
  /** Changes whenever a schedule's definition or status changes (not with ticks): a cache key. */
  scheduleStatesSignature(): Promise<string>;
  /** Runs holding any of these run keys. */
  listRunsByKeys(runKeys: readonly string[]): Promise<RunProjection[]>;
  /** Newest tick time first. */
  listScheduleTicks(query: ScheduleTickQuery): Promise<ScheduleTickWithRun[]>;
  listSensorStates(): Promise<SensorState[]>;
  getSensorState(sensorName: string): Promise<SensorState | undefined>;
  /** Newest first. */
  listSensorHistory(query: SensorHistoryQuery): Promise<SensorHistoryEntry[]>;
  /** The evaluation of a pushed message, if that message was evaluated. */
  findPushEvaluation(sensorName: string, messageId: string): Promise<SensorHistoryEntry | undefined>;
  listDynamicPartitions(): Promise<DynamicPartitionsSet[]>;
  /** Keys of a dynamic partitions set in insertion order (empty when it has none). */
  getDynamicPartitionKeys(name: string): Promise<string[]>;
  /**
   * RunFinished events with a sequence in `(afterSequence, afterSequence + scanMax]`, oldest first,
   * at most `limit`; `scannedTo` is the sequence a reader may resume after.
   */
  listRunsFinished(afterSequence: number, scanMax: number, limit: number): Promise<{ records: RunFinishedRecord[]; scannedTo: number }>;
  /** Materializations of `assetKey` after a ledger sequence, oldest first. */
  listMaterializationsAfter(assetKey: string, afterSequence: number, limit: number): Promise<Materialization[]>;
  /**
   * Automation condition evaluations, newest first (then by asset key): the rows of the `limit`
   * latest evaluations before `beforeEvaluationId` that evaluated `assetKey` (every asset when omitted).
   */
  listAutomationEvaluations(query: AutomationEvaluationQuery): Promise<AutomationEvaluationRow[]>;
  /** The latest automation condition evaluation's memory, if there was one. */
  getAutomationCursor(): Promise<AutomationCursorRow | undefined>;
}

export interface AutomationEvaluationQuery {
  readonly assetKey?: string;
  readonly beforeEvaluationId?: number;
  readonly limit: number;
}

export interface BackfillListQuery {
  readonly statuses?: readonly BackfillProjection['status'][];
  /** Cursor: backfills created before this backfill id (newest first). */
  readonly before?: string;
  readonly limit: number;
}

/** Backfills and their chunks (SEMANTICS §7). */
export interface BackfillStore {
  getBackfill(backfillId: string): Promise<BackfillProjection | undefined>;
  /** The backfill created with this client request id, if any. */
  getBackfillByRequestId(clientRequestId: string): Promise<BackfillProjection | undefined>;
  /** Newest first; stable order by backfill id (ULIDs sort by creation time). */
  listBackfills(query: BackfillListQuery): Promise<BackfillProjection[]>;
  /** Backfills not yet in a terminal status, oldest first. */
  listActiveBackfills(): Promise<BackfillProjection[]>;
  /** Chunks of a backfill in chunk order, after `afterChunkIndex` (exclusive), at most `limit`. */
  listBackfillChunks(backfillId: string, query: { afterChunkIndex?: number; limit: number }): Promise<BackfillChunk[]>;
}

export interface LeaseGrant {
  readonly acquired: boolean;
  readonly holder: string;
  readonly expiresAtEpochMs: number;
  /**
   * The lease's fencing token: it increases whenever the lease passes to another holder (never on
   * a renewal), so a holder's appends fenced with it are refused once anyone else took the lease.
   */
  readonly fencingToken: number;
}

/** A lease as stored: its holder, expiry and fencing token. */
export interface LeaseRecord {
  readonly name: string;
  readonly holder: string;
  readonly expiresAtEpochMs: number;
  readonly fencingToken: number;
}

/**
 * Operational coordination that is not domain state: the daemon's leader lease, attempt
 * heartbeats and the ledger positions of daemon steps that follow the ledger. Decisions taken because of them (an attempt declared lost) are events.
 */
export interface LeaseStore {
  /**
   * Takes or renews `name` for `holder` unless another holder's lease is unexpired (or is
   * `takeoverFrom`). Taking it from another holder draws the next fencing token.
   */
  acquireLease(name: string, holder: string, ttlMs: number, nowEpochMs: number, takeoverFrom?: string): Promise<LeaseGrant>;
  /** Expires `holder`'s lease at once; its fencing token is kept, so tokens never repeat. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** The lease's current holder, expiry and token, if it was ever taken. */
  readLease(name: string): Promise<LeaseRecord | undefined>;
  recordHeartbeats(attemptIds: readonly string[], nowEpochMs: number): Promise<void>;
  readHeartbeats(attemptIds: readonly string[]): Promise<Map<string, number>>;
  /** The ledger sequence a daemon step (e.g. `run_retries`) has handled events up to, if it recorded one. */
  readCursor(name: string): Promise<number | undefined>;
  /**
   * Records a daemon step's position. It never moves back, so a former leader writing late cannot
   * make the step handle events twice (it would be harmless, its decisions being idempotent, but wasted).
   */
  writeCursor(name: string, sequence: number): Promise<void>;
}

/** What a daemon says about itself every iteration (Dagster's daemon heartbeats). */
export interface DaemonHeartbeat {
  /** The daemon's owner id (`host:pid:random`). */
  readonly daemonId: string;
  readonly host: string;
  readonly pid: number;
  readonly role: 'leader' | 'standby';
  readonly startedAtEpochMs: number;
  readonly seenAtEpochMs: number;
  /** The fencing token it leads with; null while it stands by. */
  readonly fencingToken: number | null;
  /** When each of its loops (coordinator, automation, backfills, …) last completed, epoch ms by loop name. */
  readonly loops: Readonly<Record<string, number>>;
}

/** Daemon liveness: operational state, like leases. */
export interface DaemonStore {
  /** Records (or replaces) the daemon's heartbeat. */
  recordDaemonHeartbeat(heartbeat: DaemonHeartbeat): Promise<void>;
  /** Every daemon heard from since `sinceEpochMs`, most recently seen first. */
  listDaemonHeartbeats(sinceEpochMs: number): Promise<DaemonHeartbeat[]>;
  /** Forgets a daemon that stopped cleanly. */
  removeDaemonHeartbeat(daemonId: string): Promise<void>;
}


/** A remote worker as it registered (`arco worker`), with its last heartbeat. */
export interface RemoteWorkerRecord {
  /** `rw_…`, chosen by the worker when it starts. */
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  /** Attempts it runs at once. */
  readonly slots: number;
  /** Silent for longer than this, it is lost: its attempts end WORKER_LOST. */
  readonly heartbeatTimeoutMs: number;
  readonly registeredAtEpochMs: number;
  readonly seenAtEpochMs: number;
}

/**
 * An attempt the leader dispatched to a remote worker: `dispatched` until the worker claims it,
 * `claimed` while it runs (the hash of the attempt token minted at the claim is kept, never the
 * token), `finished` once a report is stored for the leader to record.
 */
export interface WorkerDispatch {
  readonly attemptId: string;
  readonly workerId: string;
  readonly runId: string;
  readonly taskKey: string;
  /** The dispatch envelope as stored (parsed by the runtime). */
  readonly envelope: unknown;
  readonly state: 'dispatched' | 'claimed' | 'finished';
  readonly tokenSha256: string | null;
  /** The finished report as stored (parsed by the runtime); null until the worker reports. */
  readonly result: unknown;
  readonly dispatchedAtEpochMs: number;
}

/** What a claim request learns as it begins (WorkerStore.beginClaim). */
export interface ClaimStart {
  readonly worker: RemoteWorkerRecord;
  readonly fresh: boolean;
  /** Attempts dispatched to the worker and not claimed, counted before this request claimed any. */
  readonly dispatched: number;
  readonly unrun: number;
  /** The attempts this request claimed as it began (see WorkerStore.beginClaim), oldest first. */
  readonly claimed: readonly WorkerDispatch[];
  /** True when it left its hashes as the worker's waiting claim (beginClaim's `wait`). */
  readonly waiting?: boolean;
}

/** A finished report as stored (WorkerStore.finishDispatch). */
export interface StoredReport {
  readonly dispatch: WorkerDispatch;
  /** Its run as it stood when the report was stored; undefined when the run is gone. */
  readonly run: RunProjection | undefined;
  /** The claim request the report carried, begun with it (as beginClaim); undefined: worker not registered. */
  readonly claim?: ClaimStart | undefined;
}

/** A claim request a finished report carries (WorkerStore.finishDispatch; as beginClaim's arguments). */
export interface CarriedClaim {
  readonly claimSeq: number;
  readonly running: readonly string[];
  readonly tokenSha256s: readonly string[];
  readonly nowEpochMs: number;
  /** As beginClaim's `wait`. */
  readonly wait?: boolean;
}

/**
 * Remote workers and the attempts dispatched to them (docs/worker-protocol.md). Operational state
 * kept in the store, not in a process, because any daemon's API may serve a worker while only the
 * leader dispatches and records results.
 */
export interface WorkerStore {
  /** Records (or replaces) a worker's registration. */
  registerWorker(worker: RemoteWorkerRecord): Promise<void>;
  /** Records a heartbeat; false when the worker is not registered (never was, or was declared lost). */
  touchWorker(workerId: string, nowEpochMs: number): Promise<boolean>;
  getWorker(workerId: string): Promise<RemoteWorkerRecord | undefined>;
  /** Every registered worker, most recently seen first. */
  listWorkers(): Promise<RemoteWorkerRecord[]>;
  /** Forgets workers and every attempt dispatched to them, but for finished reports not yet recorded. */
  removeWorkers(workerIds: readonly string[]): Promise<void>;
  /**
   * Records dispatches; one already recorded for the attempt is kept as it is. `forget`: rows to
   * remove with them (as removeDispatches; reports recorded, attempts no longer current), in the
   * same statement where the engine can.
   *
   * An engine may claim new rows for a worker's waiting claim (beginClaim's `wait`) as it writes
   * them: the i-th row for the worker, oldest first, under the claim's i-th hash, once (the wait
   * ends with it); the rows so claimed then travel in the dispatch signal (DispatchWatch.claimed).
   */
  addDispatches(rows: readonly { attemptId: string; workerId: string; runId: string; taskKey: string; envelope: unknown; dispatchedAtEpochMs: number }[], forget?: readonly string[]): Promise<void>;
  /**
   * Claims up to `tokenSha256s.length` attempts dispatched to `workerId` and not yet claimed,
   * oldest first, storing the i-th hash on the i-th claimed attempt. Exactly once: of concurrent
   * claims (through any API server) each attempt goes to one. With `claimSeq`, nothing is claimed
   * unless it is still the worker's latest claim request.
   *
   * `waitedSha256s`: the hashes the request left as the worker's waiting claim (beginClaim's
   * `wait`). Rows addDispatches claimed under them come back too, first; and when anything comes
   * back, the wait ends (its hashes are handed once). Without anything to return, the wait stays.
   */
  claimDispatches(workerId: string, tokenSha256s: readonly string[], claimSeq?: number, waitedSha256s?: readonly string[]): Promise<WorkerDispatch[]>;
  /**
   * Begins a claim request of the worker, in one statement: its registration (undefined: not
   * registered); with `claimSeq`, whether the request is the worker's latest (`fresh`: it is
   * recorded as such; false: it already made this one or a later one, and the request is stale);
   * how many attempts are dispatched to it waiting for a claim; and how many it claimed that are
   * not among `running` (to hand again, docs/worker-protocol.md "Lost claim answers").
   *
   * In the same statement it claims, as claimDispatches would, up to `claim.tokenSha256s.length`
   * dispatched attempts, but only when the worker is alive at `claim.nowEpochMs` and, with
   * `claimSeq`, the request is fresh and nothing is left to hand again (those go first): most
   * claims are then one round trip instead of two.
   *
   * With `wait` (the request will wait for a dispatch when it claims nothing), a fresh request of
   * a live worker that claims nothing and has nothing to hand again may leave its hashes as the
   * worker's waiting claim (`waiting`), for addDispatches to claim under; any other fresh request
   * ends the worker's waiting claim. An engine may ignore `wait`.
   */
  beginClaim(workerId: string, claimSeq: number | undefined, running: readonly string[], claim: { readonly tokenSha256s: readonly string[]; readonly nowEpochMs: number; readonly wait?: boolean }): Promise<ClaimStart | undefined>;
  /**
   * Hands attempts already `claimed` by `workerId` to it again under a new token, for its claim
   * request `claimSeq`: the i-th row's stored hash becomes `toTokenSha256` only if it still is
   * `fromTokenSha256` (so the old token is refused from then on, and of two concurrent
   * re-deliveries one wins) and `claimSeq` is still the worker's latest request (a later request
   * may have claimed the row). Returns the rows changed.
   */
  redeliverDispatches(workerId: string, claimSeq: number, rows: readonly { attemptId: string; fromTokenSha256: string; toTokenSha256: string }[]): Promise<WorkerDispatch[]>;
  getDispatch(attemptId: string): Promise<WorkerDispatch | undefined>;
  /** Every dispatch (a few per worker slot), or those of one worker, oldest first. */
  listDispatches(workerId?: string): Promise<WorkerDispatch[]>;
  /** listWorkers and listDispatches() together, in one statement where the engine can (the leader reads both each iteration). */
  listWorkersAndDispatches(): Promise<{ workers: RemoteWorkerRecord[]; dispatches: WorkerDispatch[] }>;
  /** True when any worker is registered or any dispatch row is left: else the leader skips remote work. */
  hasRemoteWork(): Promise<boolean>;
  /**
   * Stores a claimed attempt's finished report, returning its row as stored and its run (to check
   * the attempt is still current without another round trip where the engine can); undefined
   * (nothing stored) unless it is claimed by `workerId` with this token hash. With `claim`, and
   * only if the report was stored, a claim request of the worker begins with it, in the same
   * statement where the engine can (see beginClaim; the attempt reported is never counted unrun).
   */
  finishDispatch(attemptId: string, workerId: string, tokenSha256: string, result: unknown, claim?: CarriedClaim): Promise<StoredReport | undefined>;
  removeDispatches(attemptIds: readonly string[]): Promise<void>;
  /**
   * Watches for attempts dispatched to `workerId` (signals.ts): a claim that found nothing waits on
   * it instead of being asked again. Once it resolves, a dispatch recorded from then on is seen.
   * SQLite sees only this process's dispatches; PostgreSQL every process's (LISTEN/NOTIFY).
   */
  watchDispatches(workerId: string): Promise<DispatchWatch>;
  /**
   * Calls `listener` when a finished report is stored (SQLite: by this process; PostgreSQL: by any
   * process), so the leader records it without waiting for its next tick. Returns the unsubscribe.
   */
  onReportStored(listener: () => void): Promise<() => void>;
  /**
   * Whether the daemon `ownerId` of this process leads, as it learns it. While one does, a
   * finished report stored through this process is signalled here only (onReportStored), not
   * through the store to every process: a daemon that leads elsewhere meanwhile (this one was
   * deposed and has not noticed) records the report at its next tick. An engine whose signals
   * never leave the process ignores it.
   */
  leadsHere(ownerId: string, leading: boolean): void;
}

/** Who may do what through the API, least to most: each role may do everything the one before may. */
export type TokenRole = 'viewer' | 'operator' | 'admin' | 'worker';

/** An API token as it is stored and listed: never its secret, only the secret's hash elsewhere. */
export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  /** ISO-8601. */
  readonly createdAt: string;
  /** ISO-8601, or null while the token is valid. */
  readonly revokedAt: string | null;
  /** Who created it and who revoked it (a token name, or `local`); null when not recorded (before migration 13). */
  readonly createdBy: string | null;
  readonly revokedBy: string | null;
}

/**
 * API tokens (docs/security.md). Operational state like leases, not a projection: tokens are not
 * domain history, and keeping them out of the ledger keeps even their hashes out of replays,
 * exports and the `system_*` views.
 */
export interface TokenStore {
  /** @throws TOKEN_NAME_TAKEN when a valid token already has this name (nothing stored). */
  createToken(token: ApiTokenRecord & { readonly secretSha256: string }): Promise<void>;
  /** Every token, valid and revoked, oldest first. */
  listTokens(): Promise<ApiTokenRecord[]>;
  /** The token with this id and its secret's hash (revoked ones too), for checking a request. */
  findToken(id: string): Promise<(ApiTokenRecord & { readonly secretSha256: string }) | undefined>;
  /**
   * Revokes the token with this id, or the valid token with this name; revoking a revoked token
   * changes nothing and returns it. Undefined when none matches.
   */
  revokeToken(idOrName: string, revokedAt: string, revokedBy: string | null): Promise<ApiTokenRecord | undefined>;
  /** True when any token is valid: access control is then on for every request. */
  hasValidTokens(): Promise<boolean>;
}

/** One engine's store: a part per family, sharing one database. */
export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** The schema version when opened and now (opening applies the migrations this build has). */
  readonly schema: SchemaVersion;
  /** Appends (with the fold) and reads of the ledger. */
  readonly ledger: LedgerStore;
  /** Runs and run-key conflicts. */
  readonly runs: RunStore;
  /** Asset partitions and materializations. */
  readonly assets: AssetStore;
  /** Log lines of runs. */
  readonly logs: LogStore;
  /** Latest asset check results. */
  readonly checks: AssetCheckStore;
  /** The projection hash and rebuilding projections from the ledger. */
  readonly admin: AdminStore;
  /** The leader lease and attempt heartbeats. */
  readonly leases: LeaseStore;
  /** Daemon liveness heartbeats. */
  readonly daemons: DaemonStore;
  /** Remote workers and the attempts dispatched to them. */
  readonly workers: WorkerStore;
  /** Idempotency-Key records of API requests. */
  readonly requestKeys: RequestKeyStore;
  /** Read-only SQL over the `system_*` views. */
  readonly sql: SystemSqlStore;
  /** Schedules, sensors and dynamic partitions sets. */
  readonly automation: AutomationStore;
  /** Backfills and their chunks. */
  readonly backfills: BackfillStore;
  /** API tokens (hashes only) for access control. */
  readonly tokens: TokenStore;
  close(): Promise<void>;
}
