/** Remote workers and their dispatched attempts on PostgreSQL (operational state, see WorkerStore). */
import type pg from 'pg';
import type { CarriedClaim, ClaimStart, RemoteWorkerRecord, StoredReport, WorkerDispatch, WorkerStore } from '../contract.js';
import type { RunProjection } from '../../fold/index.js';
import { parseStoredJson } from '../docs.js';
import { inTransaction } from './connection.js';
import type { DispatchWatch } from '../signals.js';
import { DISPATCHED_PREFIX, FINISHED_PAYLOAD, type PostgresNotifications } from './notifications.js';

/**
 * How long a dispatch watch waits before its waiter looks again, signal or not: a notification is
 * lost with the LISTEN connection (it is opened again at the next wait).
 */
const DISPATCH_WATCH_MAX_MS = 1_000;

/**
 * The most bytes of claimed rows a dispatch signal carries (PostgreSQL refuses a NOTIFY payload of
 * 8000 bytes or more; the prefix and worker id take the rest).
 */
const SIGNAL_ROWS_MAX_BYTES = 7_500;

/** A worker row's columns as WorkerRow names them, of the table or of an alias, each name prefixed by `as`. */
const workerColumns = (of = '', as = '') =>
  `${of}worker_id AS "${as}workerId", ${of}host AS "${as}host", ${of}pid AS "${as}pid", ${of}slots AS "${as}slots",
  ${of}heartbeat_timeout_ms AS "${as}heartbeatTimeoutMs", ${of}registered_at AS "${as}registeredAtEpochMs", ${of}seen_at AS "${as}seenAtEpochMs"`;
const WORKER_COLUMNS = workerColumns();
/** A dispatch row's columns as DispatchRow names them, of the table or of its alias `d`, each name prefixed by `as`. */
const dispatchColumns = (of = '', as = '') =>
  `${of}attempt_id AS "${as}attemptId", ${of}worker_id AS "${as}workerId", ${of}run_id AS "${as}runId", ${of}task_key AS "${as}taskKey", ${of}envelope AS "${as}envelope",
  ${of}state AS "${as}state", ${of}token_sha256 AS "${as}tokenSha256", ${of}result AS "${as}result", ${of}dispatched_at AS "${as}dispatchedAtEpochMs"`;
const DISPATCH_COLUMNS = dispatchColumns();

type WorkerRow = { [K in keyof RemoteWorkerRecord]: RemoteWorkerRecord[K] extends number ? string | number : RemoteWorkerRecord[K] };
type DispatchRow = Omit<WorkerDispatch, 'envelope' | 'result' | 'dispatchedAtEpochMs'> & { envelope: string; result: string | null; dispatchedAtEpochMs: string | number };

function workerOf(r: WorkerRow): RemoteWorkerRecord {
  return {
    workerId: r.workerId,
    host: r.host,
    pid: Number(r.pid),
    slots: Number(r.slots),
    heartbeatTimeoutMs: Number(r.heartbeatTimeoutMs),
    registeredAtEpochMs: Number(r.registeredAtEpochMs),
    seenAtEpochMs: Number(r.seenAtEpochMs),
  };
}

function dispatchOf(r: DispatchRow): WorkerDispatch {
  return {
    ...r,
    envelope: parseStoredJson(r.envelope),
    result: r.result === null ? null : parseStoredJson(r.result),
    dispatchedAtEpochMs: Number(r.dispatchedAtEpochMs),
  };
}

/**
 * The WITH queries that begin a claim request (WorkerStore.beginClaim), their parameters named:
 * `advanced` moves the worker's claim sequence on (locking its row, so a later request of the same
 * worker waits for this one and then finds its sequence moved on); `counts` counts its dispatched
 * attempts and those it claimed and does not name as running (but `except`, a report being
 * stored); `claimed` claims, as claimDispatches, when the worker is alive, the request fresh and
 * nothing is left to hand again, and `when` holds. Joined as `counts` and `claimed`: one row per
 * claimed attempt, or one with none.
 */
/**
 * The WITH queries of a claim: `picked` takes the oldest dispatched rows of the worker where
 * `condition` holds, FOR UPDATE SKIP LOCKED, and `claimed` claims them with the tokens in that
 * order, returning `returning`. Concurrent claims (the same worker through two daemons' APIs)
 * never wait on each other and never take the same row; the state check in the UPDATE keeps it
 * exactly once even for a row read before another claim committed.
 */
function claimSql(p: { worker: string; tokens: string; condition: string; returning: string }): string {
  return `picked AS (
      SELECT attempt_id, dispatched_at FROM worker_dispatches WHERE worker_id = ${p.worker} AND state = 'dispatched' AND ${p.condition}
      ORDER BY dispatched_at, attempt_id LIMIT cardinality(${p.tokens}::text[]) FOR UPDATE SKIP LOCKED
    ), numbered AS (
      SELECT attempt_id, row_number() OVER (ORDER BY dispatched_at, attempt_id) AS n FROM picked
    ), claimed AS (
      UPDATE worker_dispatches d SET state = 'claimed', token_sha256 = (${p.tokens}::text[])[numbered.n]
      FROM numbered WHERE d.attempt_id = numbered.attempt_id AND d.state = 'dispatched'
      RETURNING ${p.returning}
    )`;
}

function claimRequestSql(p: { worker: string; seq: string; running: string; tokens: string; now: string; wait: string; except?: string; when?: string }): string {
  const alive = `EXISTS (SELECT 1 FROM remote_workers w WHERE w.worker_id = ${p.worker} AND w.seen_at + w.heartbeat_timeout_ms > ${p.now})`;
  return `advanced AS (
      UPDATE remote_workers SET claim_seq = ${p.seq} WHERE worker_id = ${p.worker} AND ${p.seq}::bigint IS NOT NULL AND claim_seq < ${p.seq}${p.when ? ` AND ${p.when}` : ''} RETURNING 1
    ), counts AS (
      SELECT count(*) FILTER (WHERE state = 'dispatched') AS dispatched,
        count(*) FILTER (WHERE state = 'claimed' AND NOT (attempt_id = ANY(${p.running}::text[]))${p.except ? ` AND attempt_id <> ${p.except}` : ''}) AS unrun,
        (SELECT count(*) FROM advanced) AS fresh
      FROM worker_dispatches WHERE worker_id = ${p.worker}
    ), ${claimSql({
      worker: p.worker,
      tokens: p.tokens,
      condition: `${alive}
        AND (${p.seq}::bigint IS NULL OR (EXISTS (SELECT 1 FROM advanced) AND (SELECT unrun FROM counts) = 0))${p.when ? ` AND ${p.when}` : ''}`,
      returning: dispatchColumns('d.', 'c_'),
    })}, waiting AS (
      INSERT INTO worker_waits (worker_id, claim_seq, tokens)
      SELECT ${p.worker}, ${p.seq}, CASE WHEN ${p.wait}::boolean AND ${alive} AND (SELECT unrun FROM counts) = 0 AND NOT EXISTS (SELECT 1 FROM claimed)
        THEN ${p.tokens}::text[] ELSE '{}'::text[] END
      WHERE EXISTS (SELECT 1 FROM advanced)
      ON CONFLICT (worker_id) DO UPDATE SET claim_seq = excluded.claim_seq, tokens = excluded.tokens
      RETURNING cardinality(tokens) > 0 AS waiting
    )`;
}

/** The columns of `row` named `prefix`…, without the prefix (a row of several tables' columns, each table's prefixed). */
function unprefixed<Row>(row: object, prefix: string): Row {
  return Object.fromEntries(Object.entries(row).flatMap(([key, value]) => (key.startsWith(prefix) ? [[key.slice(prefix.length), value]] : []))) as Row;
}

const CLAIM_REQUEST_COLUMNS = 'counts.fresh, counts.dispatched, counts.unrun, EXISTS (SELECT 1 FROM waiting WHERE waiting) AS waiting, claimed.*';

type ClaimRequestRow = { [K in keyof WorkerRow as `w_${K}`]: WorkerRow[K] | null } & { fresh: string | number; dispatched: string | number; unrun: string | number; waiting: boolean } & {
  [K in keyof DispatchRow as `c_${K}`]: DispatchRow[K] | null;
};

/** The claim request a statement with claimRequestSql began; undefined when the worker is not registered. */
function claimStartOf(rows: readonly ClaimRequestRow[]): ClaimStart | undefined {
  const row = rows[0];
  if (row === undefined || row.w_workerId === null) return undefined;
  // A row with no attempt claimed has NULL in every claimed column (the LEFT JOIN).
  const claimed = rows.flatMap((r) => (r.c_attemptId === null ? [] : [dispatchOf(unprefixed<DispatchRow>(r, 'c_'))]));
  const worker = workerOf(unprefixed<WorkerRow>(row, 'w_'));
  return { worker, fresh: Number(row.fresh) > 0, dispatched: Number(row.dispatched), unrun: Number(row.unrun), claimed: claimed.sort(oldestFirst), waiting: row.waiting === true };
}

/** Dispatch order: an UPDATE's RETURNING comes in no particular order. */
function oldestFirst(a: WorkerDispatch, b: WorkerDispatch): number {
  return a.dispatchedAtEpochMs - b.dispatchedAtEpochMs || (a.attemptId < b.attemptId ? -1 : a.attemptId > b.attemptId ? 1 : 0);
}

/** The run as stored by the transaction `xmin` (RunStore's read, skipping the document when it is a kept row). */
export type RunStoredAs = (runId: string, xmin: string) => Promise<RunProjection | undefined>;

export class PostgresWorkers implements WorkerStore {
  /** The daemons of this process that lead (leadsHere). */
  private readonly leaders = new Set<string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly notifications: PostgresNotifications,
    private readonly runStoredAs: RunStoredAs,
  ) {}

  async registerWorker(w: RemoteWorkerRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO remote_workers (worker_id, host, pid, slots, heartbeat_timeout_ms, registered_at, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, slots = excluded.slots,
         heartbeat_timeout_ms = excluded.heartbeat_timeout_ms, seen_at = excluded.seen_at`,
      [w.workerId, w.host, w.pid, w.slots, w.heartbeatTimeoutMs, w.registeredAtEpochMs, w.seenAtEpochMs],
    );
  }

  async touchWorker(workerId: string, nowEpochMs: number): Promise<boolean> {
    const result = await this.pool.query('UPDATE remote_workers SET seen_at = GREATEST(seen_at, $1) WHERE worker_id = $2', [nowEpochMs, workerId]);
    return (result.rowCount ?? 0) > 0;
  }

  async getWorker(workerId: string): Promise<RemoteWorkerRecord | undefined> {
    const { rows } = await this.pool.query<WorkerRow>(`SELECT ${WORKER_COLUMNS} FROM remote_workers WHERE worker_id = $1`, [workerId]);
    return rows[0] ? workerOf(rows[0]) : undefined;
  }

  async listWorkers(): Promise<RemoteWorkerRecord[]> {
    const { rows } = await this.pool.query<WorkerRow>(`SELECT ${WORKER_COLUMNS} FROM remote_workers ORDER BY seen_at DESC, worker_id`);
    return rows.map(workerOf);
  }

  async removeWorkers(workerIds: readonly string[]): Promise<void> {
    if (workerIds.length === 0) return;
    await inTransaction(this.pool, {}, async (client) => {
      // A finished report stays: the leader records it, whether or not its worker is still there.
      await client.query("DELETE FROM worker_dispatches WHERE worker_id = ANY($1::text[]) AND state <> 'finished'", [workerIds]);
      await client.query('DELETE FROM worker_waits WHERE worker_id = ANY($1::text[])', [workerIds]);
      await client.query('DELETE FROM remote_workers WHERE worker_id = ANY($1::text[])', [workerIds]);
    });
  }

  /**
   * Each worker given a new row is signalled by the same statement, when it commits; `forget` goes
   * in it too. A worker's waiting claim is taken whole (`waits`): its rows are claimed under the
   * claim's hashes in dispatch order, and the signal carries them, unless they would not fit in a
   * NOTIFY payload (under 8000 bytes): then the waiting API reads them (claimDispatches).
   *
   * A worker whose new rows were all claimed under a wait held in this process (DispatchWatch.hold:
   * the worker's claim waits in this process's API, as when workers call the leader's) is not
   * signalled through the database: the rows are handed to the watch here once the statement
   * commits, and no other process (nor its database session) is woken for them.
   */
  async addDispatches(rows: Parameters<WorkerStore['addDispatches']>[0], forget: readonly string[] = []): Promise<void> {
    if (rows.length === 0 && forget.length === 0) return;
    const { rows: local } = await this.pool.query<{ [K in keyof DispatchRow]: DispatchRow[K] | null }>(
      `WITH removed AS (
         DELETE FROM worker_dispatches WHERE attempt_id = ANY($9::text[])
       ), waits AS (
         DELETE FROM worker_waits WHERE worker_id = ANY($2::text[]) AND cardinality(tokens) > 0 RETURNING worker_id, tokens
       ), input AS (
         SELECT a, w, r, t, e, d, row_number() OVER (PARTITION BY w ORDER BY d, a) AS n
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS u(a, w, r, t, e, d)
       ), added AS (
         INSERT INTO worker_dispatches (attempt_id, worker_id, run_id, task_key, envelope, state, token_sha256, result, dispatched_at)
         SELECT a, w, r, t, e, CASE WHEN waits.tokens[n] IS NULL THEN 'dispatched' ELSE 'claimed' END, waits.tokens[n], NULL, d
         FROM input LEFT JOIN waits ON waits.worker_id = input.w
         ON CONFLICT (attempt_id) DO NOTHING
         RETURNING ${DISPATCH_COLUMNS}
       ), workers AS (
         SELECT "workerId" AS w, (json_agg(added ORDER BY "dispatchedAtEpochMs", "attemptId") FILTER (WHERE state = 'claimed'))::text AS j,
           bool_and(state = 'claimed' AND "tokenSha256" = ANY($10::text[])) AS here
         FROM added GROUP BY "workerId"
       ), notified AS (
         SELECT count(pg_notify($7, $8 || w || COALESCE(CASE WHEN octet_length(j) <= ${SIGNAL_ROWS_MAX_BYTES} THEN E'\\n' || j END, ''))) AS n
         FROM workers WHERE NOT here
       )
       SELECT added.* FROM notified LEFT JOIN added ON added."workerId" IN (SELECT w FROM workers WHERE here)`,
      [
        rows.map((r) => r.attemptId),
        rows.map((r) => r.workerId),
        rows.map((r) => r.runId),
        rows.map((r) => r.taskKey),
        rows.map((r) => JSON.stringify(r.envelope)),
        rows.map((r) => r.dispatchedAtEpochMs),
        this.notifications.channel,
        DISPATCHED_PREFIX,
        [...forget],
        [...this.notifications.hub.heldHashes()],
      ],
    );
    const here = new Map<string, WorkerDispatch[]>();
    for (const row of local) {
      if (row.attemptId === null) continue;
      const dispatch = dispatchOf(row as DispatchRow);
      here.set(dispatch.workerId, [...(here.get(dispatch.workerId) ?? []), dispatch]);
    }
    for (const [workerId, claimed] of here) this.notifications.hub.emit({ kind: 'dispatched', workerId, claimed: claimed.sort(oldestFirst) });
  }

  /**
   * One statement: the rows addDispatches claimed under `waitedSha256s` (`mine`), and what
   * claimSql claims with `tokenSha256s`, only while `claimSeq`, when given, is the worker's latest
   * request; the wait ends (`ended`) when either found anything. A row addDispatches claims while
   * this statement runs is not in `mine` (not committed when the statement began): its signal,
   * sent at that commit, wakes the waiting claim again. The two sets of hashes are disjoint, so
   * even then no hash is stored on two rows.
   */
  async claimDispatches(workerId: string, tokenSha256s: readonly string[], claimSeq?: number, waitedSha256s: readonly string[] = []): Promise<WorkerDispatch[]> {
    if (tokenSha256s.length === 0 && waitedSha256s.length === 0) return [];
    const { rows } = await this.pool.query<DispatchRow>(
      `WITH mine AS (
         SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE worker_id = $1 AND state = 'claimed' AND token_sha256 = ANY($4::text[])
       ), ${claimSql({
         worker: '$1',
         tokens: '$2',
         condition: '($3::bigint IS NULL OR EXISTS (SELECT 1 FROM remote_workers w WHERE w.worker_id = $1 AND w.claim_seq = $3))',
         returning: dispatchColumns('d.'),
       })}, ended AS (
         DELETE FROM worker_waits WHERE worker_id = $1 AND tokens && $4::text[] AND (EXISTS (SELECT 1 FROM mine) OR EXISTS (SELECT 1 FROM claimed))
       )
       SELECT * FROM mine UNION ALL SELECT * FROM claimed`,
      [workerId, [...tokenSha256s], claimSeq ?? null, [...waitedSha256s]],
    );
    return rows.map(dispatchOf).sort(oldestFirst);
  }

  /**
   * One statement (see claimRequestSql): the registration as it was, the sequence advanced, the
   * two counts, and the claim.
   */
  async beginClaim(workerId: string, claimSeq: number | undefined, running: readonly string[], claim: { readonly tokenSha256s: readonly string[]; readonly nowEpochMs: number; readonly wait?: boolean }): Promise<ClaimStart | undefined> {
    const { rows } = await this.pool.query<ClaimRequestRow>(
      `WITH ${claimRequestSql({ worker: '$1', seq: '$2', running: '$3', tokens: '$4', now: '$5', wait: '$6' })}
       SELECT ${workerColumns('w.', 'w_')}, ${CLAIM_REQUEST_COLUMNS}
       FROM remote_workers w CROSS JOIN counts LEFT JOIN claimed ON true WHERE w.worker_id = $1`,
      [workerId, claimSeq ?? null, [...running], [...claim.tokenSha256s], claim.nowEpochMs, claim.wait === true],
    );
    return claimStartOf(rows);
  }

  /**
   * One statement, each row conditioned on its old hash (of concurrent re-deliveries one wins) and
   * on `claimSeq` being the worker's latest request: its snapshot is taken after the rows were
   * read, so a later request that claimed one of them had already advanced the sequence.
   */
  async redeliverDispatches(workerId: string, claimSeq: number, rows: readonly { attemptId: string; fromTokenSha256: string; toTokenSha256: string }[]): Promise<WorkerDispatch[]> {
    if (rows.length === 0) return [];
    const { rows: changed } = await this.pool.query<DispatchRow>(
      `UPDATE worker_dispatches d SET token_sha256 = u.next
       FROM unnest($2::text[], $3::text[], $4::text[]) AS u(a, prev, next)
       WHERE d.attempt_id = u.a AND d.worker_id = $1 AND d.state = 'claimed' AND d.token_sha256 = u.prev
         AND EXISTS (SELECT 1 FROM remote_workers w WHERE w.worker_id = $1 AND w.claim_seq = $5)
       RETURNING ${dispatchColumns('d.')}`,
      [workerId, rows.map((r) => r.attemptId), rows.map((r) => r.fromTokenSha256), rows.map((r) => r.toTokenSha256), claimSeq],
    );
    return changed.map(dispatchOf);
  }

  async getDispatch(attemptId: string): Promise<WorkerDispatch | undefined> {
    const { rows } = await this.pool.query<DispatchRow>(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE attempt_id = $1`, [attemptId]);
    return rows[0] ? dispatchOf(rows[0]) : undefined;
  }

  async listDispatches(workerId?: string): Promise<WorkerDispatch[]> {
    const { rows } =
      workerId === undefined
        ? await this.pool.query<DispatchRow>(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches ORDER BY dispatched_at, attempt_id`)
        : await this.pool.query<DispatchRow>(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE worker_id = $1 ORDER BY dispatched_at, attempt_id`, [workerId]);
    return rows.map(dispatchOf);
  }

  async listWorkersAndDispatches(): Promise<{ workers: RemoteWorkerRecord[]; dispatches: WorkerDispatch[] }> {
    // JSON as text: the pool leaves JSON unparsed (documents are parsed and validated by their readers).
    const { rows } = await this.pool.query<{ workers: string | null; dispatches: string | null }>(
      `SELECT (SELECT json_agg(w)::text FROM (SELECT ${WORKER_COLUMNS} FROM remote_workers ORDER BY seen_at DESC, worker_id) AS w) AS workers,
         (SELECT json_agg(d)::text FROM (SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches ORDER BY dispatched_at, attempt_id) AS d) AS dispatches`,
    );
    const list = <Row>(text: string | null | undefined): Row[] => (text === null || text === undefined ? [] : (JSON.parse(text) as Row[]));
    return { workers: list<WorkerRow>(rows[0]?.workers).map(workerOf), dispatches: list<DispatchRow>(rows[0]?.dispatches).map(dispatchOf) };
  }

  async hasRemoteWork(): Promise<boolean> {
    const { rows } = await this.pool.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM remote_workers) OR EXISTS (SELECT 1 FROM worker_dispatches) AS found');
    return rows[0]?.found === true;
  }

  /**
   * A stored report signals the leader in the same statement (one row: one notification), which
   * also returns the transaction that last wrote its run: when this process wrote it, the run is
   * its kept row, and checking the report costs no second round trip. A claim the report carries
   * begins in the same statement too (claimRequestSql), only if the report was stored.
   */
  async finishDispatch(attemptId: string, workerId: string, tokenSha256: string, result: unknown, claim?: CarriedClaim): Promise<StoredReport | undefined> {
    // The leader is in this process: it is told here, and no other process is woken (leadsHere).
    const leaderHere = this.leaders.size > 0;
    const begin = claim === undefined ? '' : `, ${claimRequestSql({ worker: '$3', seq: '$8', running: '$9', tokens: '$10', now: '$11', wait: '$12', except: '$2', when: 'EXISTS (SELECT 1 FROM stored)' })}`;
    const { rows } = await this.pool.query<{ [K in keyof DispatchRow as `s_${K}`]: DispatchRow[K] } & { runXmin: string | null } & Partial<ClaimRequestRow>>(
      `WITH stored AS (
         UPDATE worker_dispatches SET state = 'finished', result = $1
         WHERE attempt_id = $2 AND worker_id = $3 AND state = 'claimed' AND token_sha256 = $4
         RETURNING ${dispatchColumns('', 's_')}
       )${begin}
       SELECT stored.*, r.xmin::text AS "runXmin", CASE WHEN $7::boolean THEN pg_notify($5, $6) END AS notified${claim === undefined ? '' : `, ${workerColumns('w.', 'w_')}, ${CLAIM_REQUEST_COLUMNS}`}
       FROM stored LEFT JOIN runs r ON r.id = stored."s_runId"${claim === undefined ? '' : ' LEFT JOIN remote_workers w ON w.worker_id = $3 CROSS JOIN counts LEFT JOIN claimed ON true'}`,
      [
        JSON.stringify(result),
        attemptId,
        workerId,
        tokenSha256,
        this.notifications.channel,
        FINISHED_PAYLOAD,
        !leaderHere,
        ...(claim === undefined ? [] : [claim.claimSeq, [...claim.running], [...claim.tokenSha256s], claim.nowEpochMs, claim.wait === true]),
      ],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    if (leaderHere) this.notifications.hub.emit({ kind: 'finished' });
    const dispatch = dispatchOf(unprefixed<DispatchRow>(row, 's_'));
    const run = row.runXmin === null ? undefined : await this.runStoredAs(dispatch.runId, row.runXmin);
    if (claim === undefined) return { dispatch, run };
    return { dispatch, run, claim: claimStartOf(rows as ClaimRequestRow[]) };
  }

  leadsHere(ownerId: string, leading: boolean): void {
    if (leading) this.leaders.add(ownerId);
    else this.leaders.delete(ownerId);
  }

  async removeDispatches(attemptIds: readonly string[]): Promise<void> {
    if (attemptIds.length === 0) return;
    await this.pool.query('DELETE FROM worker_dispatches WHERE attempt_id = ANY($1::text[])', [attemptIds]);
  }

  async watchDispatches(workerId: string): Promise<DispatchWatch> {
    await this.notifications.listen();
    const watch = this.notifications.hub.watchDispatches(workerId);
    return { wait: (timeoutMs) => watch.wait(Math.min(timeoutMs, DISPATCH_WATCH_MAX_MS)), claimed: () => watch.claimed(), hold: (hashes) => watch.hold(hashes), close: () => watch.close() };
  }

  async onReportStored(listener: () => void): Promise<() => void> {
    await this.notifications.listen();
    return this.notifications.hub.listen((signal) => {
      if (signal.kind === 'finished') listener();
    });
  }
}
